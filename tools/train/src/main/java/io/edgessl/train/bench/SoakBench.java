package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Embedding;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.YuvRange;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Prediction;
import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A soak run: many frames through {@link Encoder#embed} and {@link KnnClassifier#classify}, as a
 * camera loop would push them, with periodic enrolment and forgetting, sampling the process's heap
 * (after GC), native memory (NMT), resident memory, open file descriptors and threads every so many
 * frames. The result is each one's least-squares slope per 10 000 frames after a warm-up, checked
 * against bounds. (Tracking is not part of it: the SDK has no tracker yet.)
 *
 * <p>Frames are Fashion-MNIST test images in a rotating mix of pixel formats, each made from the
 * grey image into a buffer reused for every frame of that format (as a camera refills its buffers):
 * GRAY over the dataset's array, RGB, NV21 (full-range luma, neutral chroma) and GRAY over a direct
 * {@link ByteBuffer}.
 */
public final class SoakBench {
  private static final String[] FORMATS = {"GRAY", "RGB", "NV21", "GRAY (direct buffer)"};

  private SoakBench() {}

  /** Runs the soak on {@code images} (the first {@code config.bank()} seed the bank). */
  public static SoakResult run(SoakConfig config, LabelledImages images, Progress progress)
      throws EdgeSslException {
    if (images.count() <= config.bank()) {
      throw new IllegalArgumentException(
          "--bank " + config.bank() + " needs more images than the " + images.count() + " given");
    }
    FrameMaker frames = new FrameMaker(images);
    List<ProcessProbe.Reading> samples = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    long correct = 0;
    long enrolled = 0;
    long forgotten = 0;
    long started;
    long elapsed;
    String backend;
    String kernels;
    ModelBundle bundle = ModelBundle.open(config.model());
    Encoder.Builder eb = Encoder.builder(bundle).kernels(config.kernels()).threads(1);
    if (config.backend() != null) {
      eb.backend(config.backend());
    }
    try (Encoder encoder = eb.build()) {
      backend = encoder.backend();
      KnnIndex index =
          KnnIndex.builder(encoder.dimension())
              .labels(images.classes())
              .kernels(config.kernels())
              .build();
      kernels = encoder.kernelsName() + " (preprocessing), " + index.kernelsName() + " (k-NN)";
      KnnClassifier classifier = KnnClassifier.builder(index).k(config.k()).build();
      ArrayDeque<Long> fifo = new ArrayDeque<>();
      for (int i = 0; i < config.bank(); i++) {
        fifo.add(classifier.enroll(label(images, i), encoder.embed(images.frame(i))));
      }
      int stream = images.count() - config.bank();
      samples.add(ProcessProbe.read());
      at.add(0L);
      started = System.nanoTime();
      try (Progress.Task task = progress.start("soak", config.frames())) {
        for (int f = 1; f <= config.frames(); f++) {
          int image = config.bank() + (f - 1) % stream;
          Embedding e = encoder.embed(frames.frame(image, f % FORMATS.length));
          Prediction p = classifier.classify(e);
          if (p.labelIndex() == images.labels()[image]) {
            correct++;
          }
          if (config.enrollEvery() > 0 && f % config.enrollEvery() == 0) {
            fifo.add(classifier.enroll(label(images, image), e));
            enrolled++;
            if (classifier.forget(fifo.remove())) {
              forgotten++;
            }
          }
          if (f % config.sampleEvery() == 0) {
            samples.add(ProcessProbe.read());
            at.add((long) f);
          }
          task.step(1);
        }
      }
      elapsed = System.nanoTime() - started;
    }
    return new SoakResult(
        config,
        backend,
        kernels,
        List.of(FORMATS),
        at,
        samples,
        ProcessProbe.nmtEnabled(),
        (double) correct / config.frames(),
        enrolled,
        forgotten,
        elapsed / 1e9);
  }

  private static String label(LabelledImages images, int i) {
    return images.classes().get(images.labels()[i]);
  }

  /** Makes frames of each format from a grey image, into buffers reused from frame to frame. */
  private static final class FrameMaker {
    private final LabelledImages images;
    private final int w;
    private final int h;
    private final byte[] rgb;
    private final byte[] nv21;
    private final ByteBuffer direct;

    FrameMaker(LabelledImages images) {
      this.images = images;
      this.w = images.width();
      this.h = images.height();
      this.rgb = new byte[3 * w * h];
      this.nv21 = new byte[w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2)];
      this.direct = ByteBuffer.allocateDirect(w * h);
    }

    Frame frame(int image, int format) {
      byte[] px = images.pixels();
      int off = images.offset(image);
      int n = w * h;
      switch (format) {
        case 0:
          return images.frame(image);
        case 1:
          for (int i = 0; i < n; i++) {
            byte g = px[off + i];
            rgb[3 * i] = g;
            rgb[3 * i + 1] = g;
            rgb[3 * i + 2] = g;
          }
          return Frame.of(rgb, PixelFormat.RGB, w, h);
        case 2:
          System.arraycopy(px, off, nv21, 0, n);
          java.util.Arrays.fill(nv21, n, nv21.length, (byte) 128);
          return Frame.builder(PixelFormat.NV21, w, h).pixels(nv21).yuvRange(YuvRange.FULL).build();
        default:
          direct.clear();
          direct.put(px, off, n);
          return Frame.builder(PixelFormat.GRAY, w, h).pixels(direct).build();
      }
    }
  }
}
