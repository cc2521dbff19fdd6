package io.edgessl.onnx;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.testing.Fuzz;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutated ONNX models through {@link OnnxGraph#read}: only {@link EdgeSslException}, and no
 * allocation beyond the input's size (see {@link Fuzz}).
 */
class OnnxGraphFuzzTest {
  @Test
  void readThrowsOnlyEdgeSslException() {
    List<byte[]> seeds =
        List.of(
            RandomModels.graph(RandomModels.Preset.CONV_TEST, 1).toBytes(),
            RandomModels.graph(RandomModels.Preset.VIT_TEST, 2).toBytes());
    Fuzz.reader("onnx-graph", seeds)
        .cases(1500)
        .documented(EdgeSslException.class)
        .run(in -> OnnxGraph.read(in, "fuzz.onnx").toBytes());
  }
}
