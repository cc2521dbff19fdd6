package io.edgessl.tools.data;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.SeedOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.cli.ThreadsOption;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.scenes.Backgrounds;
import io.edgessl.train.scenes.SceneConfig;
import io.edgessl.train.scenes.SceneGenerator;
import io.edgessl.train.scenes.SceneSplit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgessl data scenes}: Fashion-MNIST garments over photos, exact masks, DAVIS layout. */
@Command(
    name = "scenes",
    mixinStandardHelpOptions = true,
    description = {
      "Make scenes with exact per-pixel masks from real images, in the DAVIS 2017 layout:"
          + " Fashion-MNIST garments (scaled, rotated, tinted, overlapping) over crops of photos."
          + " Still scenes are one-frame sequences labelled by class (Fashion-MNIST class + 1,"
          + " 0 background); videos move the garments over a slow pan and are labelled by"
          + " instance (Instances/SEQ.json maps ids to classes). Images are JPEG (quality 95),"
          + " masks indexed PNG. The same seed gives the same bytes. Train and val objects come"
          + " from Fashion-MNIST's training split (disjoint ranges), test objects from its test"
          + " split; the photos are split three ways by name. Written into OUT.tmp-* and"
          + " renamed to OUT when complete. Default seed 1; --threads: default all processors"
          + " (the output does not depend on it)."
    })
public final class DataScenesCommand implements Callable<Integer> {
  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "Folder to create (must not exist, or be empty).")
  Path out;

  @Option(
      names = "--size",
      defaultValue = "224x224",
      paramLabel = "HxW",
      description = "Scene size, height x width. Default: ${DEFAULT-VALUE}.")
  String size;

  @Option(
      names = "--train",
      defaultValue = "200",
      paramLabel = "N",
      description = "Still scenes in train. Default: ${DEFAULT-VALUE}.")
  int train;

  @Option(
      names = "--val",
      defaultValue = "50",
      paramLabel = "N",
      description = "Still scenes in val. Default: ${DEFAULT-VALUE}.")
  int val;

  @Option(
      names = "--test",
      defaultValue = "100",
      paramLabel = "N",
      description = "Still scenes in test. Default: ${DEFAULT-VALUE}.")
  int test;

  @Option(
      names = "--videos",
      defaultValue = "0",
      paramLabel = "N",
      description = "Videos in each split (train, val, test). Default: ${DEFAULT-VALUE}.")
  int videos;

  @Option(
      names = "--frames",
      defaultValue = "30",
      paramLabel = "T",
      description = "Frames of each video. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--objects",
      defaultValue = "1,4",
      paramLabel = "MIN,MAX",
      description = "Objects in a scene or video. Default: ${DEFAULT-VALUE}.")
  String objects;

  @Option(
      names = "--fmnist",
      paramLabel = "DIR",
      description =
          "Fashion-MNIST folder. Default: /usr/share/datasets/fashion-mnist (Debian's"
              + " dataset-fashion-mnist).")
  Path fmnist;

  @Option(
      names = "--backgrounds",
      paramLabel = "DIR",
      description =
          "Folder of photos (.jpg, .png; at least 3). Default:"
              + " /usr/share/doc/opencv-doc/examples/data (Debian's opencv-doc).")
  Path backgrounds;

  @Mixin SeedOption seed;
  @Mixin ThreadsOption threads;

  @Spec CommandSpec spec;

  /** Parses {@code HxW} (or {@code N} for a square). */
  static int[] parseSize(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (p.length == 1) {
        int n = Integer.parseInt(p[0].strip());
        return new int[] {n, n};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException("--size '" + s + "': expected HxW, e.g. 224x224");
  }

  static int[] parseObjects(String s) {
    String[] p = s.split(",", -1);
    try {
      if (p.length == 1) {
        int n = Integer.parseInt(p[0].strip());
        return new int[] {n, n};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException("--objects '" + s + "': expected MIN,MAX, e.g. 1,4");
  }

  @Override
  public Integer call() throws EdgeSslException {
    int[] hw = parseSize(size);
    int[] mm = parseObjects(objects);
    SceneConfig config =
        new SceneConfig(hw[0], hw[1], train, val, test, videos, frames, seed.or(1), mm[0], mm[1]);
    int n = threads.or(Runtime.getRuntime().availableProcessors());
    if (n <= 0) {
      throw new IllegalArgumentException("--threads must be positive: " + n);
    }
    SceneGenerator.checkOut(out);
    io.edgessl.tools.cli.OutputFiles.checkWritable(out);
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    Path fm = fmnist != null ? fmnist : FashionMnist.DEBIAN_DIR;
    LabelledImages fmTrain = FashionMnist.load(fm, FashionMnist.Split.TRAIN);
    LabelledImages fmTest = FashionMnist.load(fm, FashionMnist.Split.TEST);
    Path bgDir = backgrounds != null ? backgrounds : Backgrounds.DEBIAN_DIR;
    Backgrounds bg =
        Backgrounds.load(bgDir, Math.max(hw[0], hw[1]), w -> err.println("edgessl: warning: " + w));
    err.flush();
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    SceneGenerator gen =
        new SceneGenerator(config, fmTrain, fmTest, bg).fashionMnistSource(fm.toString());
    SceneGenerator.Summary s = gen.write(out, n, TerminalProgress.SINK);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "wrote %s (DAVIS 2017 layout, %dx%d, seed %d): still scenes train %d, val %d, test %d",
        out,
        config.height(),
        config.width(),
        config.seed(),
        train,
        val,
        test);
    if (videos > 0) {
      o.printf(Locale.ROOT, "; %d videos of %d frames in each split", videos, frames);
    }
    o.println();
    o.printf(
        Locale.ROOT,
        "backgrounds: %d train, %d val, %d test photos from %s%s%n",
        bg.photos(SceneSplit.TRAIN).size(),
        bg.photos(SceneSplit.VAL).size(),
        bg.photos(SceneSplit.TEST).size(),
        bgDir,
        bg.skipped().isEmpty() ? "" : " (" + bg.skipped().size() + " skipped)");
    o.printf(
        Locale.ROOT,
        "loading %.1f s, generating %.1f s (%d thread%s); see %s%n",
        loadSeconds,
        s.seconds(),
        n,
        n == 1 ? "" : "s",
        out.resolve("scenes.json"));
    return 0;
  }
}
