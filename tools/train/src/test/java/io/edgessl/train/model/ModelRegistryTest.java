package io.edgessl.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.Progress;
import io.edgessl.train.TestImages;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.TrainData;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.Trainer;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.method.ProjectorKeys;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Linear;
import io.edgessl.train.nn.Ops;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architecture registry: a family written in test code (one class, {@link TinyMlp}) plus one
 * registration of it and one of a preset builds, round-trips its spec and trains through the same
 * calls as the built-in families.
 */
class ModelRegistryTest {
  @TempDir Path dir;

  /** A family in one class: flattened pixels through one linear layer of {@code spec.dim()}. */
  static final class TinyMlp extends Encoder {
    static final Architecture FAMILY =
        new Architecture() {
          @Override
          public String name() {
            return "mlp";
          }

          @Override
          public Encoder create(EncoderSpec spec, long seed) {
            return new TinyMlp(spec, new Init(seed));
          }

          @Override
          public Pooling defaultPooling() {
            return Pooling.GAP;
          }

          @Override
          public void validate(EncoderSpec spec) {
            if (spec.dim() <= 0) {
              throw new IllegalArgumentException("MLP width must be positive: " + spec.dim());
            }
          }
        };

    private final EncoderSpec spec;
    private final Linear fc;

    TinyMlp(EncoderSpec spec, Init init) {
      this.spec = spec;
      int in = spec.channels() * spec.imageSize() * spec.imageSize();
      this.fc = child("fc", new Linear(init, in, spec.dim(), true, 0.02));
    }

    @Override
    public EncoderSpec spec() {
      return spec;
    }

    @Override
    public int embedDim() {
      return spec.dim();
    }

    @Override
    public Tensor forward(Tensor images) {
      return fc.forward(images.flatten(1, -1));
    }

    @Override
    public Tensor features(Tensor images, int lastBlocks, boolean avgPool) {
      return forward(images);
    }

    @Override
    public int featureDim(int lastBlocks, boolean avgPool) {
      return embedDim();
    }
  }

  @Test
  void aFamilyIsOneClassPlusOneRegistration() throws Exception {
    Architectures.register(TinyMlp.FAMILY);
    Architectures.preset(
        "mlp-tiny",
        TinyMlp.FAMILY,
        (arch, channels, size) ->
            new EncoderSpec(
                arch, channels, size, 0, 8, 0, 0, 0, "learned", 0, new int[0], new int[0]));
    try {
      assertTrue(Architectures.names().contains("mlp-tiny"), Architectures.names().toString());
      EncoderSpec spec = EncoderSpec.preset("mlp-tiny", 3, 16);
      assertEquals(TinyMlp.FAMILY, spec.family());
      assertEquals(spec, EncoderSpec.fromJson(spec.toJson()));
      assertEquals("mlp-tiny at 16x16x3", spec.describe());
      Encoder enc = Encoder.create(spec, 7);
      assertInstanceOf(TinyMlp.class, enc);
      assertEquals(Pooling.GAP, PoolingOps.resolve(null, spec, 0));
      assertThrows(
          IllegalArgumentException.class,
          () ->
              new EncoderSpec(
                  "mlp-tiny", 3, 16, 0, 0, 0, 0, 0, "learned", 0, new int[0], new int[0]));
      // Same seed, same weights.
      float[] w = Ops.toFloats(enc.state().get("fc.weight"));
      assertTrue(Arrays.equals(w, Ops.toFloats(Encoder.create(spec, 7).state().get("fc.weight"))));

      // One epoch of SimCLR through the library, as for the built-in families.
      TrainConfig c =
          TrainConfig.resolve(
              new Overrides()
                  .set(TrainConfig.METHOD, "simclr")
                  .set(EncoderConfig.ARCH, "mlp-tiny")
                  .set(DataConfig.DATASET, "folder")
                  .set(DataConfig.DATA, TestImages.circlesAndBars(dir))
                  .set(DataConfig.IMAGE_SIZE, 16)
                  .set(OptimConfig.BATCH, 20)
                  .set(OptimConfig.EPOCHS, 1)
                  .set(OptimConfig.WARMUP_EPOCHS, 0)
                  .set(ProjectorKeys.PROJ_HIDDEN, 16)
                  .set(ProjectorKeys.PROJ_DIM, 8));
      assertEquals(spec, c.encoder().spec(3, 16));
      TrainData data = TrainData.load(c, 1);
      Path out = dir.resolve("run");
      Files.createDirectories(out);
      Trainer.Result r =
          new Trainer(
                  c,
                  data,
                  out,
                  1,
                  1,
                  null,
                  null,
                  "test",
                  new PrintWriter(new StringWriter(), true),
                  Progress.NONE)
              .run();
      assertEquals(2, r.steps());
      TrainedEncoder trained = TrainedEncoder.load(r.checkpoint());
      assertInstanceOf(TinyMlp.class, trained.encoder());
      float[] after = Ops.toFloats(trained.encoder().state().get("fc.weight"));
      assertEquals(w.length, after.length);
      assertNotEquals(Arrays.toString(w), Arrays.toString(after));
    } finally {
      Architectures.unregister(TinyMlp.FAMILY);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.preset("mlp-tiny", 3, 16));
    assertEquals(
        "unknown architecture 'mlp-tiny'; expected one of vit-tiny, vit-small, resnet-tiny,"
            + " resnet-small",
        e.getMessage());
  }

  @Test
  void aPresetIsOneRegistration() {
    Architectures.preset(
        "resnet-micro",
        ResNetArchitecture.INSTANCE,
        (arch, channels, size) ->
            new EncoderSpec(
                arch, channels, size, 0, 0, 0, 0, 0, "learned", 0, new int[] {8}, new int[] {1}));
    try {
      EncoderSpec spec = EncoderSpec.preset("resnet-micro", 1, 28);
      assertEquals(ResNetArchitecture.INSTANCE, spec.family());
      assertEquals(spec, EncoderSpec.fromJson(spec.toJson()));
      assertInstanceOf(ResNet.class, Encoder.create(spec, 1));
    } finally {
      Architectures.unregisterPreset("resnet-micro");
    }
  }
}
