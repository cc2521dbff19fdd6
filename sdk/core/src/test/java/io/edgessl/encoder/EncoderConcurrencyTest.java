package io.edgessl.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.testing.TestBundles;
import io.edgessl.testing.TestFrames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One encoder shared by several threads, as its javadoc allows (calls are serialized): every thread
 * gets, for every frame and through every verb, exactly what one thread gets.
 */
class EncoderConcurrencyTest {
  private static final PixelFormat[] FORMATS = {
    PixelFormat.RGB, PixelFormat.GRAY, PixelFormat.NV21, PixelFormat.BGRA, PixelFormat.YUYV
  };

  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void threadsSharingAnEncoderGetWhatOneThreadGets() throws Exception {
    Path p = dir.resolve("pool.edgessl");
    BundleWriter.write(
        p,
        TestBundles.manifest(),
        Map.of("encoder.fp32.onnx", "pool".getBytes(StandardCharsets.US_ASCII)));
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      frames.add(TestFrames.random(FORMATS[i % FORMATS.length], 6 + i % 7, 8 + i % 5, i));
    }
    try (Encoder enc = Encoder.open(ModelBundle.open(p))) {
      List<float[]> serial = new ArrayList<>();
      List<float[]> serialPatches = new ArrayList<>();
      for (Frame f : frames) {
        serial.add(enc.embed(f).vector());
        serialPatches.add(patches(enc.features(f)));
      }
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int seed = t;
          Callable<Integer> task =
              () -> {
                int checked = 0;
                for (int round = 0; round < 10; round++) {
                  for (int j = 0; j < frames.size(); j++) {
                    // Each thread walks the frames from its own offset, mixing the verbs.
                    int i = (j + seed * 5 + round) % frames.size();
                    Frame f = frames.get(i);
                    switch ((i + seed + round) % 3) {
                      case 0 -> assertArrayEquals(serial.get(i), enc.embed(f).vector());
                      case 1 -> {
                        int n = Math.min(3, frames.size() - i);
                        List<Embedding> batch = enc.embed(frames.subList(i, i + n));
                        for (int b = 0; b < n; b++) {
                          assertArrayEquals(serial.get(i + b), batch.get(b).vector());
                        }
                      }
                      default -> assertArrayEquals(serialPatches.get(i), patches(enc.features(f)));
                    }
                    checked++;
                  }
                }
                return checked;
              };
          done.add(pool.submit(task));
        }
        int total = 0;
        for (Future<Integer> f : done) {
          total += f.get(); // rethrows an assertion failure from the thread
        }
        assertEquals(threads * 10 * frames.size(), total);
        assertTrue(total > 0);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static float[] patches(PatchFeatures f) {
    return f.data();
  }
}
