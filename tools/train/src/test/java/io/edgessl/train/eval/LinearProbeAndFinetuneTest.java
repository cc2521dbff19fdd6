package io.edgessl.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.nn.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The linear probe and fine-tuning as library calls on a small set that a working implementation
 * separates easily and a broken one (no update, wrong labels, wrong gradients) does not: three
 * classes of noisy 28x28 grey images, dark, bright, and horizontal stripes. Chance is 1/3.
 */
class LinearProbeAndFinetuneTest {
  static final int SIZE = 28;

  /** {@code n} images, classes in turn, noise drawn from {@code seed}. */
  static LabelledImages shapes(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] px = new byte[n * SIZE * SIZE];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      labels[i] = c;
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int base =
              switch (c) {
                case 0 -> 40;
                case 1 -> 210;
                default -> (y / 2) % 2 == 0 ? 230 : 20;
              };
          int v = Math.max(0, Math.min(255, base + r.nextInt(-25, 26)));
          px[(i * SIZE + y) * SIZE + x] = (byte) v;
        }
      }
    }
    return new LabelledImages(
        "shapes", px, labels, SIZE, SIZE, List.of("dark", "bright", "stripes"));
  }

  static Encoder tinyResNet(long seed) {
    EncoderSpec s =
        EncoderSpec.preset("resnet-tiny", 1, SIZE).withStages(new int[] {8, 16}, new int[] {1, 1});
    Encoder e = Encoder.create(s, seed);
    e.train(false);
    return e;
  }

  @Test
  void aLinearProbeSeparatesTheClassesOnFrozenFeatures() throws Exception {
    Torch.threads(1);
    LabelledImages train = shapes(150, 1);
    LabelledImages test = shapes(60, 2);
    ModelFeatures f = new ModelFeatures("random resnet", tinyResNet(3), 0.5f, 0.25f);
    float[] xTrain = LinearProbe.embed(f, train, Progress.NONE);
    float[] xTest = LinearProbe.embed(f, test, Progress.NONE);
    int dim = f.dimension();
    assertEquals(150L * dim, xTrain.length);

    LinearProbe probe = new LinearProbe(dim, 3, 0);
    List<Integer> epochs = new ArrayList<>();
    double before = probe.accuracy(xTest, test.labels());
    probe.train(xTrain, train.labels(), 30, 16, 0.5, 0.9, 0, 0, epochs::add);
    double top1 = probe.accuracy(xTest, test.labels());
    assertEquals(30, epochs.size());
    assertEquals(30, epochs.get(29));
    // An untrained probe (weights ~N(0, 0.01)) sits near chance; a trained one separates them.
    assertTrue(top1 >= 0.95, "linear probe top-1 " + top1 + " (untrained " + before + ")");
    assertTrue(probe.accuracy(xTrain, train.labels()) >= 0.95);
  }

  @Test
  void fineTuningReachesHighAccuracy() throws Exception {
    Torch.threads(1);
    LabelledImages train = shapes(192, 4);
    LabelledImages test = shapes(60, 5);
    List<double[]> log = new ArrayList<>();
    double top1 =
        Finetune.run(
            tinyResNet(6),
            0.5f,
            0.25f,
            train,
            test,
            new Finetune.Config(3, 32, 2e-2, 0, 0.05, List.of(0.5, 1.0), 0),
            Progress.NONE,
            (epoch, loss, acc) -> log.add(new double[] {epoch, loss, acc}));
    assertEquals(3, log.size());
    assertEquals(top1, log.get(2)[2]);
    assertTrue(top1 >= 0.9, "fine-tuned top-1 " + top1);
    assertTrue(log.get(2)[1] < log.get(0)[1], "the loss falls");
  }

  @Test
  void badRecipesFailWithAMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Finetune.Config(1, 32, 1e-3, 0, 0, List.of(0.5), 0));
    assertEquals("--crop-scale needs min,max: [0.5]", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Finetune.Config(0, 32, 1e-3, 0, 0, List.of(0.5, 1.0), 0));
  }
}
