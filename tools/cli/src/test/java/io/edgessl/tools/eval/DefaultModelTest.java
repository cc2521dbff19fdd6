package io.edgessl.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Encoder;
import io.edgessl.knn.Vote;
import io.edgessl.tools.TestData;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.EncoderFeatures;
import io.edgessl.train.eval.KnnEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped default model (models/README.md) holds its recorded accuracy through the SDK: the
 * bundle opens (every hash checked), runs on ONNX Runtime, and the DINO k-NN protocol on the whole
 * of Fashion-MNIST gives the recorded top-1. Issue 4's bar is 88 %.
 */
class DefaultModelTest {
  private static final Path MODEL = Path.of("../../models/fashion-mnist-resnet-tiny.edgessl");

  @Test
  void theDefaultModelBeatsRawPixelsByTheRecordedMargin() throws Exception {
    Path dir = TestData.fashionMnist();
    assertTrue(Files.isRegularFile(MODEL), MODEL.toAbsolutePath() + " is missing");
    LabelledImages train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
    LabelledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST);
    // The default precision is deterministic: the bundle also has INT8 (88.47 %) and FP16, but with
    // no default recorded in its manifest it opens in FP32 on every machine.
    Encoder encoder = Encoder.builder(ModelBundle.open(MODEL)).maxBatch(64).build();
    assertEquals(Precision.FP32, encoder.precision());
    KnnEval.Run run;
    try (EncoderFeatures features = new EncoderFeatures(encoder)) {
      assertEquals(6272, features.dimension());
      run =
          KnnEval.run(
              features,
              train,
              test,
              List.of(new KnnEval.Setting(20, 0.07, Vote.DINO)),
              Runtime.getRuntime().availableProcessors(),
              TerminalProgress.SINK);
    }
    // Recorded in models/fashion-mnist-resnet-tiny/eval-knn.json: 8858 of 10 000 (88.58 %) with the
    // native kernels. Other kernels (Java, another SIMD variant) sum in another order; a few images
    // whose k-th and (k+1)-th neighbours tie within float rounding may vote differently.
    long top1 = run.results().get(0).report().top1Count();
    assertTrue(Math.abs(top1 - 8858) <= 3, "k 20 T 0.07 top-1 count " + top1 + ", recorded 8858");
    assertTrue(top1 >= 8800, "top-1 " + top1 / 100.0 + " % is under issue 4's 88 %");
  }
}
