package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.kernels.JavaKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import io.edgessl.testing.Fuzz;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every k-NN entry point of every variant this CPU runs (arrays and segments, FP32 and INT8), fed
 * mutated bytes through {@link Fuzz}: a 16-byte header gives count, dimension, query count and k
 * (raw, so mutations make them negative, huge or inconsistent), the rest is the bank, whose floats
 * become NaN, infinities and denormals. Every array is sized from the input, never from the header,
 * so a kernel that trusts the header reads out of bounds and crashes the fork. Only {@link
 * IllegalArgumentException} is documented, with the Java twin's message for arrays; slots must lie
 * in the bank. Preprocessing with a {@code PreprocessPlan} is fuzzed the same way, per variant, in
 * {@link NativePreprocessFuzzTest}.
 */
class NativeKernelsFuzzTest {
  private static List<NativeKernels> variants;

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
    variants = NativeKernels.supportedVariants().stream().map(NativeKernels::of).toList();
  }

  private static List<byte[]> seeds(boolean int8) {
    SplittableRandom r = new SplittableRandom(5);
    List<byte[]> out = new ArrayList<>();
    int[][] shapes = {{1, 3, 1, 1}, {70, 5, 2, 4}, {130, 8, 3, 10}, {64, 16, 1, 64}};
    for (int[] s : shapes) {
      int n = s[0];
      int dim = s[1];
      int len = int8 ? PackedInt8Bank.length(n, dim) : 4 * PackedBank.length(n, dim);
      ByteBuffer b = ByteBuffer.allocate(16 + len + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(n).putInt(dim).putInt(s[2]).putInt(s[3]);
      while (b.hasRemaining()) {
        if (int8) {
          b.put((byte) r.nextInt(-127, 128));
        } else if (b.remaining() >= 4) {
          b.putFloat(r.nextInt(-4, 5) / 4f);
        } else {
          b.put((byte) 0);
        }
      }
      out.add(b.array());
    }
    return out;
  }

  /** The parts of one case: header ints, then arrays cut from the input. */
  private record Case(int n, int dim, int nq, int k, byte[] body) {
    static Case of(byte[] in) {
      ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
      int[] h = new int[4];
      for (int i = 0; i < 4; i++) {
        h[i] = b.remaining() >= 4 ? b.getInt() : 1;
      }
      byte[] body = new byte[b.remaining()];
      b.get(body);
      return new Case(h[0], h[1], h[2], h[3], body);
    }

    float[] floats(int from, int count) {
      float[] f = new float[Math.max(0, Math.min(count, (body.length - from) / 4))];
      ByteBuffer.wrap(body, from, body.length - from)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(f);
      return f;
    }

    /** Output length: what the header asks, capped by the input's size (plus one for misfits). */
    int out() {
      long want = (long) Math.max(nq, 0) * Math.max(k, 0);
      return (int) Math.min(want, body.length / 4 + 1);
    }
  }

  private static void slotsInBank(int[] slots, int n) {
    for (int s : slots) {
      assertTrue(s >= -1 && s < Math.max(n, 0), "slot " + s + " of " + n);
    }
  }

  @Test
  void searchPackedArraysOfEveryVariant() {
    for (NativeKernels kern : variants) {
      Fuzz.reader("native-f32-" + kern.variant(), seeds(false))
          .cases(800)
          .documented(IllegalArgumentException.class)
          .run(
              in -> {
                Case c = Case.of(in);
                float[] bank = c.floats(0, Integer.MAX_VALUE);
                float[] queries = c.floats(0, Math.max(0, c.nq) * Math.max(0, c.dim));
                float[] s = new float[c.out()];
                int[] sl = new int[c.out()];
                RuntimeException twin = null;
                try {
                  JavaKernels.instance()
                      .searchPacked(bank, c.n, c.dim, queries, 0, c.nq, c.k, s.clone(), sl.clone());
                } catch (IllegalArgumentException e) {
                  twin = e;
                }
                try {
                  kern.searchPacked(bank, c.n, c.dim, queries, 0, c.nq, c.k, s, sl);
                } catch (IllegalArgumentException e) {
                  assertEquals(String.valueOf(twin), String.valueOf(e), "twin refused differently");
                  throw e;
                }
                assertEquals(null, twin, "native accepted what the twin refused");
                slotsInBank(sl, c.n);
              });
    }
  }

  @Test
  void searchPackedInt8ArraysOfEveryVariant() {
    for (NativeKernels kern : variants) {
      Fuzz.reader("native-int8-" + kern.variant(), seeds(true))
          .cases(800)
          .documented(IllegalArgumentException.class)
          .run(
              in -> {
                Case c = Case.of(in);
                byte[] bank = c.body;
                float[] scales = c.floats(0, Math.max(c.n, 0));
                int pdim = c.dim >= 1 && c.dim <= PackedInt8Bank.MAX_DIM ? c.dim + 3 & ~3 : 4;
                long ql = (long) Math.max(0, c.nq) * pdim;
                byte[] queries = java.util.Arrays.copyOf(bank, (int) Math.min(ql, bank.length));
                float[] qs = c.floats(0, Math.max(0, c.nq));
                float[] s = new float[c.out()];
                int[] sl = new int[c.out()];
                RuntimeException twin = null;
                try {
                  JavaKernels.instance()
                      .searchPackedInt8(
                          bank,
                          scales,
                          c.n,
                          c.dim,
                          queries,
                          qs,
                          0,
                          c.nq,
                          c.k,
                          s.clone(),
                          sl.clone());
                } catch (IllegalArgumentException e) {
                  twin = e;
                }
                try {
                  kern.searchPackedInt8(bank, scales, c.n, c.dim, queries, qs, 0, c.nq, c.k, s, sl);
                } catch (IllegalArgumentException e) {
                  assertEquals(String.valueOf(twin), String.valueOf(e), "twin refused differently");
                  throw e;
                }
                assertEquals(null, twin, "native accepted what the twin refused");
                slotsInBank(sl, c.n);
              });
    }
  }

  @Test
  void segmentSizesThatOverflowALongAreRefused() {
    // Found by scripts/fuzz (case 577753 of native-seg-f32-avx512-vnni): 4 * 64 * dim * blocks
    // wrapped to a size the 19-byte bank passed, and the C kernel read far past it (SIGSEGV).
    for (NativeKernels kern : variants) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment b = arena.allocate(64, 64);
        MemorySegment s = arena.allocate(64, 64);
        MemorySegment sl = arena.allocate(64, 64);
        IllegalArgumentException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () ->
                    kern.searchPacked(b, 1867656193, 1897876995, b, 1398480948, 1939299728, s, sl));
        assertEquals(
            "invalid search shape: the bank segment would need more than 2^63 bytes",
            e.getMessage());
        e =
            org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> kern.searchPacked(b, 0, Integer.MAX_VALUE, b, Integer.MAX_VALUE, 1, s, sl));
        assertTrue(e.getMessage().contains("queries segment"), e.getMessage());
      }
    }
  }

  @Test
  void searchPackedSegmentsOfEveryVariant() {
    for (boolean int8 : new boolean[] {false, true}) {
      for (NativeKernels kern : variants) {
        Fuzz.reader("native-seg-" + (int8 ? "int8-" : "f32-") + kern.variant(), seeds(int8))
            .cases(500)
            .documented(IllegalArgumentException.class)
            .run(
                in -> {
                  Case c = Case.of(in);
                  try (Arena arena = Arena.ofConfined()) {
                    MemorySegment bank = arena.allocate(c.body.length, 64);
                    MemorySegment.copy(c.body, 0, bank, ValueLayout.JAVA_BYTE, 0, c.body.length);
                    long cap = c.body.length;
                    long q =
                        Math.min(
                            Math.min(Math.max(0, c.nq), cap)
                                * Math.min(Math.max(0, c.dim), cap)
                                * 4,
                            cap);
                    MemorySegment queries = bank.asSlice(0, q & ~3);
                    MemorySegment s = arena.allocate(4L * c.out(), 64);
                    MemorySegment sl = arena.allocate(4L * c.out(), 64);
                    if (int8) {
                      MemorySegment scales =
                          bank.asSlice(0, Math.min(4L * Math.max(c.n, 0), c.body.length) & ~3);
                      MemorySegment qs =
                          bank.asSlice(0, Math.min(4L * Math.max(c.nq, 0), c.body.length) & ~3);
                      kern.searchPackedInt8(
                          bank, scales, c.n, c.dim, queries, qs, c.nq, c.k, s, sl);
                    } else {
                      kern.searchPacked(bank, c.n, c.dim, queries, c.nq, c.k, s, sl);
                    }
                    slotsInBank(sl.toArray(ValueLayout.JAVA_INT), c.n);
                  }
                });
      }
    }
  }
}
