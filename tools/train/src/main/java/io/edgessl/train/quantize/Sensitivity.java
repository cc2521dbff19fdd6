package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import io.edgessl.train.Progress;
import io.edgessl.train.quantize.QuantizeResult.LayerScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-layer sensitivity: for each quantized layer, the whole model quantized except that layer,
 * scored against the float model. The layers whose return to float recovers the most are the ones
 * quantization hurts most; {@code --keep-fp32 N} leaves the first N of this ranking in float.
 */
final class Sensitivity {
  private Sensitivity() {}

  /** Measures every layer that {@code options} quantize; results in graph order. */
  static List<LayerScore> analyse(
      OnnxGraph prepared,
      List<QuantLayer> layers,
      Map<String, Range> ranges,
      QdqQuantizer.Options options,
      Evaluation eval,
      Progress progress)
      throws EdgeSslException {
    List<QuantLayer> todo = new ArrayList<>();
    for (QuantLayer l : layers) {
      if (!options.keepFloat().contains(l.node())
          && (l.weight() != null || options.activationProducts())) {
        todo.add(l);
      }
    }
    List<LayerScore> out = new ArrayList<>();
    try (Progress.Task p = progress.start("sensitivity, " + todo.size() + " layers", todo.size())) {
      for (QuantLayer l : todo) {
        OnnxGraph g = QdqQuantizer.quantize(prepared, ranges, options.keeping(Set.of(l.node())));
        out.add(new LayerScore(l, eval.measure(g.toBytes(), "int8 but " + l.node())));
        p.step(1);
      }
    }
    return out;
  }

  /**
   * The results, most sensitive first: by the mean cosine recovered, or by the top-1 recovered
   * (then the cosine) when {@code byTop1} and there are labels; graph order on ties. The cosine is
   * the default: it moves with every image, where top-1 on a few hundred queries moves in steps of
   * one image and ties often.
   */
  static List<LayerScore> ranked(List<LayerScore> results, boolean byTop1) {
    List<LayerScore> r = new ArrayList<>(results);
    Comparator<LayerScore> byCosine = Comparator.comparingDouble(x -> -x.floatKept().meanCosine());
    if (byTop1) {
      r.sort(
          Comparator.<LayerScore>comparingDouble(
                  x -> x.floatKept().hasTop1() ? -x.floatKept().top1() : 0)
              .thenComparing(byCosine));
    } else {
      r.sort(byCosine);
    }
    return r;
  }
}
