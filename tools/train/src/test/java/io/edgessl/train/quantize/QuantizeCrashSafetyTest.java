package io.edgessl.train.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.testing.BundleBytes;
import io.edgessl.testing.Kill;
import io.edgessl.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at random points while {@link Quantization} rewrites a bundle (the
 * library call behind {@code edgessl quantize}), a {@code .edgessl} zip and a directory: after each
 * kill the bundle opens with every hash verified and its manifest is the one before the run or,
 * once the child may have reached the rename, the one after it (computed once in-process: the run
 * is deterministic); after {@code committed} only the latter. {@code
 * -Dedgessl.crash.quantizeKills=N} kills per bundle kind (5 by default; {@code scripts/crash-test}
 * runs 50). A directory whose swap a kill interrupted is recovered by the next open, which must
 * then hold byte for byte the old or the new bundle; the next rewrite leaves no temporary file or
 * directory, for both kinds.
 */
@EnabledOnOs(OS.LINUX)
class QuantizeCrashSafetyTest {
  @TempDir Path dir;

  static QuantizeConfig config(Path bundle, String calib) {
    QuantizeConfig d = QuantizeConfig.defaults(bundle, calib);
    return new QuantizeConfig(
        bundle,
        Set.of(Precision.INT8, Precision.FP16),
        calib,
        8,
        d.calibSeed(),
        CalibrationMethod.PERCENTILE,
        d.percentile(),
        QdqQuantizer.ActivationScheme.SYMMETRIC,
        d.quantizeProducts(),
        d.keepCount(),
        d.keepLayers(),
        false,
        false,
        null,
        d.evalBank(),
        d.evalQueries(),
        8,
        d.backend(),
        1,
        false);
  }

  /** The child: one quantization of the bundle, announced and confirmed on stdout. */
  public static final class Rewriter {
    public static void main(String[] args) throws Exception {
      System.out.println("saving 1");
      System.out.flush();
      Quantization.open(config(Path.of(args[0]), args[1])).run(Progress.NONE);
      System.out.println("committed 1");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE); // a kill after the commit finds the child still alive
    }
  }

  private Path calibration() throws IOException {
    int n = 8;
    int size = 32;
    float[] data = new float[n * 3 * size * size];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (r.nextDouble() * 4 - 2);
    }
    Path npy = dir.resolve("calib.npy");
    Files.write(npy, Npy.write(new long[] {n, 3, size, size}, data));
    return npy;
  }

  private void killWhileRewriting(String name) throws Exception {
    int kills = Integer.getInteger("edgessl.crash.quantizeKills", 5);
    Path calib = calibration();
    Path work = Files.createDirectory(dir.resolve("work-" + name));
    Path pristine = dir.resolve("pristine-" + name);
    RandomModels.writeBundle(RandomModels.Preset.VIT_TEST, 7, pristine);
    Manifest before = ModelBundle.open(pristine).manifest();
    Path bundle = work.resolve(name);
    BundleBytes.copy(pristine, bundle);
    Quantization.open(config(bundle, calib.toString())).run(Progress.NONE);
    Manifest after = ModelBundle.open(bundle).manifest();
    Map<String, String> beforeBytes = BundleBytes.of(pristine);
    Map<String, String> afterBytes = BundleBytes.of(bundle);
    SplittableRandom r = new SplittableRandom(Long.getLong("edgessl.crash.seed", 43));
    int committed = 0;
    int renamed = 0;
    int maxTemps = 0;
    for (int i = 0; i < kills; i++) {
      BundleBytes.copy(pristine, bundle);
      List<String> out =
          Kill.run(
              Kill.java(Rewriter.class, bundle.toString(), calib.toString()),
              "saving",
              1,
              r.nextLong(0, 3_000_000_000L),
              120);
      maxTemps = Math.max(maxTemps, BundleBytes.temps(bundle).size());
      // Opening recovers a directory whose swap the kill interrupted; every hash is verified.
      Manifest held = ModelBundle.open(bundle).manifest();
      boolean done = Kill.last(out, "committed") == 1;
      committed += done ? 1 : 0;
      renamed += held.equals(after) ? 1 : 0;
      assertTrue(
          held.equals(after) || (!done && held.equals(before)),
          "kill " + i + ": " + bundle + " holds neither the old nor the new manifest: " + held);
      assertEquals(
          held.equals(after) ? afterBytes : beforeBytes,
          BundleBytes.of(bundle),
          "kill " + i + ": byte for byte the old or the new bundle");
    }
    List<Path> left = BundleBytes.temps(bundle);
    System.out.printf(
        "crash quantize %s: %d kills, %d after the child committed, %d holding the new bundle,"
            + " at most %d stale temporaries, %d left: %s%n",
        name, kills, committed, renamed, maxTemps, left.size(), left);
    // The next successful rewrite removes every dead writer's temporary file or directory.
    Quantization.open(config(bundle, calib.toString())).run(Progress.NONE);
    assertEquals(List.of(), BundleBytes.temps(bundle));
    assertEquals(afterBytes, BundleBytes.of(bundle));
  }

  @Test
  void killedZipRewritesLeaveTheOldOrTheNewBundle() throws Exception {
    killWhileRewriting("vit.edgessl");
  }

  @Test
  void killedDirectoryRewritesLeaveTheOldOrTheNewBundle() throws Exception {
    killWhileRewriting("vit-dir");
  }
}
