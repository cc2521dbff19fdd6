package io.edgessl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.method.Dino;
import io.edgessl.train.method.Mae;
import io.edgessl.train.method.Methods;
import io.edgessl.train.method.MocoV2;
import io.edgessl.train.method.MocoV3;
import io.edgessl.train.method.ProjectorKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training as a library call: configs, a few steps on synthetic images, checkpoints, resume. */
class TrainerTest {
  @TempDir Path dir;

  @Test
  void defaultsAreTheRecipes() {
    TrainConfig dino = TrainConfig.resolve(new Overrides());
    assertEquals("dino", dino.method());
    assertEquals(5e-4, dino.optim().lr());
    assertEquals(0.4, dino.optim().weightDecayEnd());
    assertEquals(0.996, dino.optim().momentumTeacher());
    assertEquals(0.1, dino.encoder().dropPath());
    assertEquals(28, dino.data().imageSize());
    assertEquals(List.of(0.286), dino.data().mean());
    assertEquals(12, dino.augment().localSize(), "96/224 of 28 px at patch 4");
    assertEquals(10, dino.views().size(), "two global views and 8 local crops");
    Dino.Config dc = assertInstanceOf(Dino.Config.class, dino.methodConfig());
    assertEquals(65536, dc.outDim());
    assertEquals(1, dc.freezeLastLayer());

    TrainConfig simclr = TrainConfig.resolve(new Overrides().set(TrainConfig.METHOD, "simclr"));
    assertEquals("resnet-tiny", simclr.encoder().arch());
    assertEquals(1e-6, simclr.optim().weightDecay());
    assertEquals(1e-6, simclr.optim().weightDecayEnd(), "constant unless the recipe says");
    assertEquals(List.of(0.8, 0.8, 0.8, 0.2), simclr.augment().jitter());
    assertEquals(2, simclr.views().size());

    TrainConfig v3 =
        TrainConfig.resolve(
            new Overrides().set(TrainConfig.METHOD, "mocov3").set(OptimConfig.BATCH, 32));
    assertEquals(0.99, v3.optim().momentumTeacher());
    assertEquals(40, v3.optim().warmupEpochs());
    assertEquals(256, assertInstanceOf(MocoV3.Config.class, v3.methodConfig()).projDim());
    assertEquals(32, v3.optim().batch());

    TrainConfig mae = TrainConfig.resolve(new Overrides().set(TrainConfig.METHOD, "mae"));
    assertEquals("sincos", mae.encoder().posEmbed());
    assertEquals(List.of(0.9, 0.95), mae.optim().betas());
    assertEquals(0.0, mae.augment().jitterP());
  }

  @Test
  void everyMethodsConfigSurvivesItsJson() throws Exception {
    for (String m : Methods.names()) {
      TrainConfig c =
          TrainConfig.resolve(
              new Overrides()
                  .set(TrainConfig.METHOD, m)
                  .set(DataConfig.TRAIN_LIMIT, 100)
                  .set(EncoderConfig.DIM, 48));
      Map<?, ?> json = (Map<?, ?>) Json.parse(Json.write(c.toJson()));
      assertEquals(c, TrainConfig.fromJson(json), m);
      assertEquals(m, json.get("method"));
      assertTrue(json.containsKey("patch"), "unset overrides are saved as null: " + json);
    }
  }

  @Test
  void readsTheShippedModelsCommandJson() throws Exception {
    Path f = Path.of("../../models/fashion-mnist-resnet-tiny/command.json");
    Map<?, ?> old =
        (Map<?, ?>)
            ((Map<?, ?>) Json.parse(Files.readString(f, StandardCharsets.UTF_8))).get("options");
    TrainConfig c = TrainConfig.fromJson(old);
    assertEquals("mocov3", c.method());
    assertEquals(30, c.optim().epochs());
    assertEquals(List.of(0.1, 1.0), c.augment().blurSigma());
    assertEquals(1024, ((MocoV3.Config) c.methodConfig()).projHidden());
    // Every key written today has the old file's name and value.
    for (Map.Entry<String, Object> e : c.toJson().entrySet()) {
      if (e.getKey().equals("frame_step") || e.getKey().equals("max_frames")) {
        assertEquals(null, e.getValue());
        continue;
      }
      assertTrue(old.containsKey(e.getKey()), e.getKey());
      assertEquals(
          Json.write(old.get(e.getKey())), Json.write(e.getValue()), "value of " + e.getKey());
    }
  }

  @Test
  void badValuesFailWithTheOptionsName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfig.resolve(new Overrides().set(TrainConfig.METHOD, "byol")));
    assertEquals(
        "unknown method 'byol'; expected one of dino, simclr, mocov3, mocov2, mae", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainConfig.resolve(
                    new Overrides()
                        .set(TrainConfig.METHOD, "mocov2")
                        .set(MocoV2.QUEUE, 100)
                        .set(OptimConfig.BATCH, 64)));
    assertEquals("--queue 100 must be a multiple of --batch 64", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainConfig.resolve(new Overrides().set(AugmentConfig.BLUR_P, List.of(1.0, 0.5))));
    assertEquals("--blur-p needs 1 or 3 values for this method: [1.0, 0.5]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainConfig.resolve(
                    new Overrides()
                        .set(TrainConfig.METHOD, "mae")
                        .set(EncoderConfig.ARCH, "resnet-tiny")));
    assertEquals("mae needs a ViT (--arch vit-tiny or vit-small): resnet-tiny", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfig.resolve(new Overrides().set(RunConfig.LOG_EVERY, 0)));
    assertEquals("--log-every must be positive: 0", e.getMessage());
    // A flag of another method is refused, not silently ignored.
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfig.resolve(new Overrides().set(Mae.MASK_RATIO, 0.5)));
    assertEquals(
        "--mask-ratio does not apply to --method dino (it is an option of mae)", e.getMessage());
  }

  @Test
  void resumeChangesOnlyRuntimeOptions() {
    Map<String, Object> saved = TrainConfig.resolve(new Overrides()).toJson();
    TrainConfig c = TrainConfig.resume(saved, new Overrides().set(RunConfig.LOG_EVERY, 3));
    assertEquals(3, c.run().logEvery());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainConfig.resume(
                    saved, new Overrides().set(OptimConfig.LR, 0.1).set(RunConfig.KEEP_EVERY, 2)));
    assertEquals(
        "a resumed run keeps the options it was started with; cannot change --lr (start a new run"
            + " with --out instead)",
        e.getMessage());
  }

  private static Trainer.Result train(
      TrainConfig c, Path out, Integer stopAt, Checkpoint.Reader resume, StringWriter log)
      throws Exception {
    TrainData data = TrainData.load(c, 1);
    Files.createDirectories(out);
    return new Trainer(
            c, data, out, 1, 1, stopAt, resume, "test", new PrintWriter(log, true), Progress.NONE)
        .run();
  }

  private static Map<?, ?> meta(Path runDir) throws Exception {
    try (Checkpoint.Reader r = Checkpoint.open(runDir.resolve(Trainer.CHECKPOINT))) {
      return r.meta();
    }
  }

  @Test
  void aResumedRunEndsBitIdenticalToAnUninterruptedOne() throws Exception {
    Path data = TestImages.circlesAndBars(dir);
    Overrides common =
        new Overrides()
            .set(DataConfig.DATASET, "folder")
            .set(DataConfig.DATA, data)
            .set(DataConfig.IMAGE_SIZE, 16)
            .set(OptimConfig.BATCH, 10)
            .set(OptimConfig.EPOCHS, 3)
            .set(OptimConfig.WARMUP_EPOCHS, 1)
            .set(RunConfig.LOG_EVERY, 2);
    Overrides dino =
        new Overrides()
            .putAll(common)
            .set(TrainConfig.METHOD, "dino")
            .set(EncoderConfig.PATCH, 4)
            .set(EncoderConfig.DIM, 16)
            .set(EncoderConfig.HEADS, 2)
            .set(EncoderConfig.DEPTH, 1)
            .set(EncoderConfig.DROP_PATH, 0.2)
            .set(Dino.OUT_DIM, 16)
            .set(Dino.HEAD_HIDDEN, 16)
            .set(Dino.HEAD_BOTTLENECK, 8)
            .set(AugmentConfig.LOCAL_CROPS, 2);
    Overrides mocov2 =
        new Overrides()
            .putAll(common)
            .set(TrainConfig.METHOD, "mocov2")
            .set(EncoderConfig.ARCH, "resnet-tiny")
            .set(EncoderConfig.WIDTHS, List.of(8))
            .set(EncoderConfig.BLOCKS, List.of(1))
            .set(ProjectorKeys.PROJ_HIDDEN, 16)
            .set(ProjectorKeys.PROJ_DIM, 8)
            .set(MocoV2.QUEUE, 20);
    for (Overrides o : List.of(dino, mocov2)) {
      TrainConfig c = TrainConfig.resolve(o);
      Path straight = dir.resolve(c.method() + "-straight");
      StringWriter log = new StringWriter();
      Trainer.Result r = train(c, straight, null, null, log);
      assertEquals(12, r.steps());
      assertEquals(3, r.epochs());
      assertTrue(log.toString().contains("40 images"), log.toString());

      Path parts = dir.resolve(c.method() + "-parts");
      assertEquals(4, train(c, parts, 1, null, new StringWriter()).steps());
      Map<?, ?> first = meta(parts);
      assertEquals(4L, first.get("step"));
      assertEquals(c.type().evalPrefix(), first.get("eval_encoder"));
      assertEquals(
          Json.write(c.toJson()), Json.write(first.get("options")), "the resolved config is saved");
      TrainConfig saved = TrainConfig.fromJson((Map<?, ?>) first.get("options"));
      assertEquals(c, saved);
      try (Checkpoint.Reader ckpt = Checkpoint.open(parts.resolve(Trainer.CHECKPOINT))) {
        StringWriter resumed = new StringWriter();
        train(saved, parts, null, ckpt, resumed);
        assertTrue(resumed.toString().contains("resuming at step 4"), resumed.toString());
      }
      Map<?, ?> m1 = meta(straight);
      Map<?, ?> m2 = meta(parts);
      assertEquals(12L, m1.get("step"));
      // The hash covers every tensor (student, teacher or key encoder, centre or queue, optimizer
      // moments): equal hashes are bit-identical weights.
      assertEquals(m1.get("sha256"), m2.get("sha256"), c.method());
      assertNotEquals(first.get("sha256"), m2.get("sha256"), "the resumed run trained");
      assertEquals(m1.get("optimizer_steps"), m2.get("optimizer_steps"));
    }
  }
}
