package io.edgessl.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.testing.BundleBytes;
import io.edgessl.testing.Kill;
import io.edgessl.train.Progress;
import io.edgessl.train.TestImages;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.TrainData;
import io.edgessl.train.Trainer;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.method.ProjectorKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at random points while {@link Exporter#export} (the library call
 * behind {@code edgessl export}) writes a bundle from a one-step checkpoint of a tiny ResNet: over
 * an existing {@code .edgessl} zip (another export), and as a directory, which export only writes
 * where none exists. After each kill the path holds byte for byte the old bundle (for the
 * directory: none) or the new one, which opens with every hash verified, only the new one after
 * {@code committed}; the next export leaves no temporary file or directory. {@code
 * -Dedgessl.crash.exportKills=N} kills per bundle kind (5 by default; {@code scripts/crash-test}
 * runs 20). The child exports once to a scratch zip first, and is killed only during or after its
 * second export, which is what the kills are meant to hit; a cold export spends seconds loading
 * libtorch.
 */
@EnabledOnOs(OS.LINUX)
class ExportCrashSafetyTest {
  @TempDir static Path dir;

  static Path checkpoint;

  /** Nanoseconds a warm child's export takes. */
  static long took;

  /** A one-step SimCLR run of a one-stage ResNet on 40 16 x 16 images: a checkpoint in seconds. */
  @BeforeAll
  static void train() throws Exception {
    TrainConfig c =
        TrainConfig.resolve(
            new Overrides()
                .set(TrainConfig.METHOD, "simclr")
                .set(EncoderConfig.ARCH, "resnet-tiny")
                .set(EncoderConfig.WIDTHS, List.of(8))
                .set(EncoderConfig.BLOCKS, List.of(1))
                .set(DataConfig.DATASET, "folder")
                .set(DataConfig.DATA, TestImages.circlesAndBars(dir))
                .set(DataConfig.IMAGE_SIZE, 16)
                .set(OptimConfig.BATCH, 40)
                .set(OptimConfig.EPOCHS, 1)
                .set(OptimConfig.WARMUP_EPOCHS, 0)
                .set(ProjectorKeys.PROJ_HIDDEN, 16)
                .set(ProjectorKeys.PROJ_DIM, 8));
    Path run = Files.createDirectories(dir.resolve("run"));
    Trainer.Result r =
        new Trainer(
                c,
                TrainData.load(c, 1),
                run,
                1,
                1,
                null,
                null,
                "test",
                new PrintWriter(new StringWriter(), true),
                Progress.NONE)
            .run();
    assertEquals(1, r.steps());
    checkpoint = run.resolve(Trainer.CHECKPOINT);
  }

  static Exporter.Options options(String name) {
    return new Exporter.Options(name, 0, 2, Exporter.DEFAULT_TOLERANCE, null, 1);
  }

  /**
   * The child: one export to a scratch zip, so that libtorch and ONNX Runtime are loaded and warm,
   * then the export to the bundle, announced and confirmed on stdout, and how long it took.
   */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      Exporter.export(Path.of(args[0]), Path.of(args[2]), options("warm-up"));
      System.out.println("saving 1");
      System.out.flush();
      long t0 = System.nanoTime();
      Exporter.export(Path.of(args[0]), Path.of(args[1]), options("new"));
      System.out.println("committed 1");
      System.out.println("took " + (System.nanoTime() - t0));
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE); // a kill after the commit finds the child still alive
    }
  }

  private void killWhileExporting(String name) throws Exception {
    int kills = Integer.getInteger("edgessl.crash.exportKills", 5);
    boolean zip = name.endsWith(ModelBundle.EXTENSION);
    Path work = Files.createDirectory(dir.resolve("work-" + name));
    Path bundle = work.resolve(name);
    Path pristine = dir.resolve("pristine-" + name);
    Map<String, String> before = null;
    if (zip) {
      Exporter.export(checkpoint, pristine, options("old"));
      before = BundleBytes.of(pristine);
    }
    Exporter.export(checkpoint, bundle, options("new"));
    Map<String, String> after = BundleBytes.of(bundle);
    assertNotEquals(before, after);
    List<String> cmd =
        Kill.java(
            Writer.class,
            checkpoint.toString(),
            bundle.toString(),
            dir.resolve("warm-up-" + name + ModelBundle.EXTENSION).toString());
    // How long a warm child's export takes, measured once: the kills fall from half of that to
    // 1.2 times that after it starts, where the bundle is written (the export writes last).
    if (took == 0) {
      BundleBytes.delete(bundle);
      took = Kill.last(Kill.run(cmd, "took", 1, 0, 120), "took");
      assertEquals(after, BundleBytes.of(bundle), "the export is deterministic");
    }
    SplittableRandom r = new SplittableRandom(Long.getLong("edgessl.crash.seed", 44));
    int committed = 0;
    int renamed = 0;
    int maxTemps = 0;
    for (int i = 0; i < kills; i++) {
      if (zip) {
        BundleBytes.copy(pristine, bundle);
      } else {
        BundleBytes.delete(bundle);
      }
      List<String> out = Kill.run(cmd, "saving", 1, r.nextLong(took / 2, took * 6 / 5), 120);
      boolean done = Kill.last(out, "committed") == 1;
      committed += done ? 1 : 0;
      maxTemps = Math.max(maxTemps, BundleBytes.temps(bundle).size());
      if (!zip && !Files.exists(bundle)) {
        // Opening the missing path recovers: a dead writer's directory is deleted.
        assertFalse(done, "kill " + i + ": committed, yet no bundle");
        EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(bundle));
        assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
        assertEquals(List.of(), BundleBytes.temps(bundle), "kill " + i);
        continue;
      }
      String held = ModelBundle.open(bundle).manifest().name(); // every hash verified
      Map<String, String> bytes = BundleBytes.of(bundle);
      renamed += bytes.equals(after) ? 1 : 0;
      assertTrue(
          bytes.equals(after) || (!done && bytes.equals(before)),
          "kill " + i + ": " + bundle + " holds neither the old nor the new bundle: " + held);
    }
    List<Path> left = BundleBytes.temps(bundle);
    System.out.printf(
        "crash export %s: %d kills 0.5-1.2 x %d ms after the warm child starts exporting, %d after the child committed, %d holding the new"
            + " bundle, at most %d stale temporaries, %d left: %s%n",
        name, kills, took / 1_000_000, committed, renamed, maxTemps, left.size(), left);
    // The next export removes every dead writer's temporary file or directory.
    if (!zip) {
      BundleBytes.delete(bundle);
    }
    Exporter.export(checkpoint, bundle, options("new"));
    assertEquals(List.of(), BundleBytes.temps(bundle));
    assertEquals(after, BundleBytes.of(bundle));
  }

  @Test
  void killedExportsOverAZipLeaveTheOldOrTheNewBundle() throws Exception {
    killWhileExporting("res.edgessl");
  }

  @Test
  void killedExportsToADirectoryLeaveNoneOrTheNewBundle() throws Exception {
    killWhileExporting("res-dir");
  }
}
