package io.edgessl.train.bench;

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
import io.edgessl.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Encoder throughput: frames per second of preprocessing alone and of preprocessing plus inference,
 * at each batch size and inference thread count, and the share of the end-to-end time that
 * preprocessing takes. Several preprocessing kernels are timed in interleaved rounds, so that the
 * load of a shared machine falls on all of them alike.
 */
public final class EncoderBench {
  private EncoderBench() {}

  /**
   * Times the bundle of {@code config} (or a generated ViT-Tiny/16) on random camera frames.
   *
   * @throws EdgeSslException {@code UNAVAILABLE} when native kernels are asked for and cannot run
   *     here; when the bundle cannot be opened or run; {@code IO} when the generated model has no
   *     room
   */
  public static EncoderBenchResult run(EncoderBenchConfig config, Progress progress)
      throws EdgeSslException {
    List<ImageKernels> kernels = BenchKernels.image(config.kernels());
    Path tmp = null;
    try {
      Path bundlePath = config.model();
      if (bundlePath == null) {
        tmp = Files.createTempDirectory("edgessl-bench");
        bundlePath = tmp.resolve("vit-tiny.edgessl");
        RandomModels.writeBundle(RandomModels.Preset.VIT_TINY, 1, bundlePath);
      }
      return run(config, ModelBundle.open(bundlePath), kernels, progress);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot make a temporary directory: " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static EncoderBenchResult run(
      EncoderBenchConfig c, ModelBundle bundle, List<ImageKernels> kernels, Progress progress)
      throws EdgeSslException {
    Manifest m = bundle.manifest();
    List<Frame> input = randomFrames(c.format(), c.width(), c.height(), 8);
    int maxBatch = c.maxBatch();
    int nk = kernels.size();

    // Preprocessing alone: into a direct buffer like the backend's, on the calling thread.
    List<Runnable> preBodies = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (ImageKernels k : kernels) {
      preBodies.add(
          Throughput.preprocessing(
              new Preprocessor(m.preprocessing(), k), input, c.frames(), maxBatch));
      names.add(k.name());
    }
    double[][] preSecs =
        Timing.interleaved("preprocessing", c.warmup(), c.runs(), preBodies, progress);
    double[] preFps = new double[nk];
    for (int i = 0; i < nk; i++) {
      preFps[i] = c.frames() / Timing.median(preSecs[i]);
    }

    List<EncoderBenchResult.Row> rows = new ArrayList<>();
    String backend = null;
    for (int t : c.threads()) {
      List<Encoder> encoders = new ArrayList<>();
      try {
        for (ImageKernels k : kernels) {
          encoders.add(
              Encoder.builder(bundle).threads(t).maxBatch(maxBatch).kernels(k.name()).build());
        }
        backend = encoders.get(0).backend() + " " + encoders.get(0).precision().id();
        for (int b : c.batches()) {
          List<List<Frame>> groups = Throughput.batches(input, c.frames(), b);
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
                  "threads " + t + ", batch " + b, c.warmup(), c.runs(), bodies, progress);
          if (failure[0] != null) {
            throw failure[0];
          }
          for (int i = 0; i < nk; i++) {
            rows.add(
                new EncoderBenchResult.Row(
                    names.get(i), t, b, preFps[i], done / Timing.median(secs[i])));
          }
        }
      } finally {
        for (Encoder enc : encoders) {
          enc.close();
        }
      }
    }
    return new EncoderBenchResult(c, m, names, backend, rows);
  }

  /** {@code n} frames of seeded random pixels (every run alike). */
  static List<Frame> randomFrames(PixelFormat pf, int width, int height, int n) {
    List<Frame> input = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      byte[] px = new byte[(int) pf.packedSize(width, height)];
      rnd.nextBytes(px);
      input.add(Frame.of(px, pf, width, height));
    }
    return input;
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
