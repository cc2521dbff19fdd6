package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessor;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.spi.ImageKernels;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.Timing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench encoder}: frames per second of preprocessing alone and of preprocessing plus
 * inference, at each batch size and inference thread count, and the share of the end-to-end time
 * that preprocessing takes. By default the model is a ViT-Tiny/16 at 224 x 224 with seeded random
 * weights, generated for the run (speed does not depend on the weights' values).
 */
@Command(
    name = "encoder",
    mixinStandardHelpOptions = true,
    description = {
      "Encoder throughput: preprocessing alone vs preprocessing + inference, per batch size and"
          + " thread count, and the preprocessing share of the end-to-end time; --kernels"
          + " java,native compares the preprocessing kernels in the same run.",
      "Default model: ViT-Tiny/16 at 224 x 224 with random weights, generated for the run."
    })
public final class BenchEncoderCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      paramLabel = "BUNDLE",
      description = "Bundle to time. Default: a generated ViT-Tiny/16 (random weights).")
  Path model;

  @Option(
      names = "--frame",
      defaultValue = "640x480",
      paramLabel = "WxH",
      description = "Size of the camera frames fed in. Default: ${DEFAULT-VALUE}.")
  String frame;

  @Option(
      names = "--format",
      defaultValue = "rgb",
      description =
          "Pixel format of the frames: rgb, bgr, rgba, bgra, gray, nv12, nv21, yuyv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--batch",
      split = ",",
      defaultValue = "1,8",
      description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(
      names = "--threads",
      split = ",",
      description = "Inference thread counts. Default: 1 and all processors.")
  List<Integer> threads;

  @Option(
      names = "--frames",
      defaultValue = "32",
      description = "Frames per timed run. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per measurement (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--kernels",
      split = ",",
      paramLabel = "KERNELS",
      description =
          "Preprocessing kernels to compare in the same run, timed in interleaved rounds: java,"
              + " native (the fastest native variant). Default: the kernels this JVM selected.")
  List<String> kernelsOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    int[] wh = parseSize(frame);
    PixelFormat pf = parseFormat(format);
    if (frames <= 0 || runs <= 0 || warmup < 0 || batches.isEmpty()) {
      throw new IllegalArgumentException(
          "--frames and --runs must be positive, --warmup not negative, --batch not empty");
    }
    for (int b : batches) {
      if (b <= 0 || b > frames) {
        throw new IllegalArgumentException(
            "batch sizes must be in 1..--frames (" + frames + "): " + b);
      }
    }
    List<Integer> ts = threadCounts();
    List<ImageKernels> kernels = BenchKernels.resolve(kernelsOption);
    Path tmp = null;
    try {
      Path bundlePath = model;
      if (bundlePath == null) {
        tmp = Files.createTempDirectory("edgessl-bench");
        bundlePath = tmp.resolve("vit-tiny.edgessl");
        RandomModels.writeBundle(RandomModels.Preset.VIT_TINY, 1, bundlePath);
      }
      return run(ModelBundle.open(bundlePath), pf, wh, ts, kernels);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot make a temporary directory: " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private int run(
      ModelBundle bundle, PixelFormat pf, int[] wh, List<Integer> ts, List<ImageKernels> kernels)
      throws EdgeSslException {
    Manifest m = bundle.manifest();
    List<Frame> input = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 8; i++) {
      byte[] px = new byte[(int) pf.packedSize(wh[0], wh[1])];
      rnd.nextBytes(px);
      input.add(Frame.of(px, pf, wh[0], wh[1]));
    }
    int maxBatch = batches.stream().mapToInt(Integer::intValue).max().getAsInt();
    int nk = kernels.size();

    // Preprocessing alone: into a direct buffer like the backend's, on the calling thread.
    List<Runnable> preBodies = new ArrayList<>();
    for (ImageKernels k : kernels) {
      Preprocessor pre = new Preprocessor(m.preprocessing(), k);
      FloatBuffer buf =
          ByteBuffer.allocateDirect(4 * maxBatch * pre.outputSize())
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      preBodies.add(
          () -> {
            for (int i = 0; i < frames; i++) {
              pre.run(input.get(i % input.size()), buf, (i % maxBatch) * pre.outputSize());
            }
          });
    }
    double[][] preSecs =
        Timing.interleaved("preprocessing", warmup, runs, preBodies, TerminalProgress.SINK);
    double[] preFps = new double[nk];
    for (int i = 0; i < nk; i++) {
      preFps[i] = frames / Timing.median(preSecs[i]);
    }

    PrintWriter out = spec.commandLine().getOut();
    List<String> names = new ArrayList<>();
    for (ImageKernels k : kernels) {
      names.add(k.name());
    }
    out.printf(
        Locale.ROOT,
        "encoder benchmark: %s (%s), %s %dx%d frames -> %s, kernels %s%n",
        m.name(),
        m.architecture(),
        pf,
        wh[0],
        wh[1],
        m.preprocessing(),
        String.join(", ", names));
    out.printf(
        Locale.ROOT,
        "median of %d runs of %d frames after %d warm-up runs%s; preprocessing on 1 thread%n",
        runs,
        frames,
        warmup,
        nk > 1 ? ", the kernels interleaved" : "");
    out.printf(
        Locale.ROOT,
        "  %-20s %-7s %5s %16s %18s %14s %16s%n",
        "kernels",
        "threads",
        "batch",
        "preprocess f/s",
        "pre+inference f/s",
        "inference f/s",
        "preprocess share");
    String backend = null;
    for (int t : ts) {
      List<Encoder> encoders = new ArrayList<>();
      try {
        for (ImageKernels k : kernels) {
          encoders.add(
              Encoder.builder(bundle).threads(t).maxBatch(maxBatch).kernels(k.name()).build());
        }
        backend = encoders.get(0).backend() + " " + encoders.get(0).precision().id();
        for (int b : batches) {
          List<List<Frame>> groups = new ArrayList<>();
          for (int i = 0; i + b <= frames; i += b) {
            List<Frame> g = new ArrayList<>();
            for (int j = 0; j < b; j++) {
              g.add(input.get((i + j) % input.size()));
            }
            groups.add(g);
          }
          int done = groups.size() * b;
          EdgeSslException[] failure = new EdgeSslException[1];
          List<Runnable> bodies = new ArrayList<>();
          for (Encoder enc : encoders) {
            bodies.add(
                () -> {
                  try {
                    for (List<Frame> g : groups) {
                      enc.embed(g);
                    }
                  } catch (EdgeSslException e) {
                    failure[0] = e;
                  }
                });
          }
          double[][] secs =
              Timing.interleaved(
                  "threads " + t + ", batch " + b, warmup, runs, bodies, TerminalProgress.SINK);
          if (failure[0] != null) {
            throw failure[0];
          }
          for (int i = 0; i < nk; i++) {
            double e2eFps = done / Timing.median(secs[i]);
            double share = e2eFps / preFps[i]; // (1 / preFps) / (1 / e2eFps)
            double inferFps = 1 / (1 / e2eFps - 1 / preFps[i]);
            out.printf(
                Locale.ROOT,
                "  %-20s %-7d %5d %16.1f %18.1f %14.1f %15.1f%%%n",
                names.get(i),
                t,
                b,
                preFps[i],
                e2eFps,
                inferFps,
                100 * share);
          }
        }
      } finally {
        for (Encoder enc : encoders) {
          enc.close();
        }
      }
    }
    out.printf(
        Locale.ROOT,
        "  (backend %s; Java %s, %s, %d processors)%n",
        backend,
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    out.flush();
    return 0;
  }

  private List<Integer> threadCounts() {
    List<Integer> ts =
        threads != null
            ? threads
            : new ArrayList<>(
                new LinkedHashSet<>(List.of(1, Runtime.getRuntime().availableProcessors())));
    for (int t : ts) {
      if (t <= 0) {
        throw new IllegalArgumentException("--threads must be positive: " + t);
      }
    }
    return ts;
  }

  static int[] parseSize(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        int w = Integer.parseInt(p[0]);
        int h = Integer.parseInt(p[1]);
        if (w > 0 && h > 0 && (long) w * h <= 1L << 26) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--frame takes WIDTHxHEIGHT, e.g. 640x480: " + s);
  }

  static PixelFormat parseFormat(String s) {
    try {
      return PixelFormat.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown pixel format '"
              + s
              + "'; expected rgb, bgr, rgba, bgra, gray, nv12, nv21, yuyv");
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is harmless; the benchmark's result stands.
    }
  }
}
