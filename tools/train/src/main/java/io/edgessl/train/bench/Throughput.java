package io.edgessl.train.bench;

import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/** The bodies the throughput benchmarks time: preprocessing alone, and frames in batches. */
final class Throughput {
  private Throughput() {}

  /**
   * Preprocessing alone, on the calling thread: {@code frames} frames, taken from {@code input} in
   * turn, into a direct buffer of {@code batch} inputs like a backend's, slot after slot.
   */
  static Runnable preprocessing(Preprocessor pre, List<Frame> input, int frames, int batch) {
    int size = pre.outputSize();
    FloatBuffer buf =
        ByteBuffer.allocateDirect(4 * batch * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    return () -> {
      for (int i = 0; i < frames; i++) {
        pre.run(input.get(i % input.size()), buf, (i % batch) * size);
      }
    };
  }

  /**
   * {@code frames} frames, taken from {@code input} in turn, in whole batches of {@code batch}
   * (frames left over make no batch).
   */
  static List<List<Frame>> batches(List<Frame> input, int frames, int batch) {
    List<List<Frame>> groups = new ArrayList<>();
    for (int i = 0; i + batch <= frames; i += batch) {
      List<Frame> g = new ArrayList<>(batch);
      for (int j = 0; j < batch; j++) {
        g.add(input.get((i + j) % input.size()));
      }
      groups.add(g);
    }
    return groups;
  }
}
