package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgessl.internal.kernels.JavaKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random shapes, valid and not, through the native kernels' Java API. Every invalid call must throw
 * a Java exception before reaching C (the same one the Java twin throws, for arrays); every valid
 * call must match the twin. A crash of the JVM fails the build (surefire reports the dead fork).
 */
class NativeFuzzTest {
  private static NativeKernels kernels;

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
    kernels = NativeKernels.best();
  }

  /** A size that is usually valid and sometimes negative, zero, or one off. */
  private static int size(SplittableRandom r, int typical) {
    return switch (r.nextInt(10)) {
      case 0 -> -r.nextInt(1, 1000);
      case 1 -> 0;
      case 2 -> typical + r.nextInt(-1, 2);
      case 3 -> Integer.MAX_VALUE - r.nextInt(3);
      default -> typical;
    };
  }

  private static int length(SplittableRandom r, long needed) {
    long n = needed;
    if (r.nextInt(6) == 0) {
      n = needed - r.nextInt(1, 70);
    }
    return (int) Math.max(0, Math.min(n, 1 << 22));
  }

  @Test
  void randomArrayShapesThrowOrMatchTheJavaTwin() {
    SplittableRandom r = new SplittableRandom(20261128);
    int valid = 0;
    for (int iter = 0; iter < 3000; iter++) {
      int n0 = r.nextInt(0, 200);
      int d0 = r.nextInt(1, 40);
      int q0 = r.nextInt(0, 9);
      int k0 = r.nextInt(1, 30);
      int n = size(r, n0);
      int dim = size(r, d0);
      int nq = size(r, q0);
      int k = size(r, k0);
      int off = r.nextInt(8) == 0 ? -1 : r.nextInt(0, 4);
      boolean int8 = r.nextBoolean();
      int pdim = dim >= 1 && dim <= PackedInt8Bank.MAX_DIM ? PackedInt8Bank.paddedDim(dim) : 4;
      long bankLen = (long) PackedBank.blocks(Math.max(n0, 0)) * 64 * (int8 ? pdim : d0);
      Object bank = int8 ? new byte[length(r, bankLen)] : new float[length(r, bankLen)];
      float[] scales = new float[length(r, Math.max(n0, 0))];
      long qLen = int8 ? (long) (Math.max(off, 0) + q0) * pdim : Math.max(off, 0) + (long) q0 * d0;
      Object queries = int8 ? new byte[length(r, qLen)] : new float[length(r, qLen)];
      float[] qScales = new float[length(r, Math.max(off, 0) + q0)];
      float[] outS = new float[length(r, (long) q0 * k0)];
      int[] outI = new int[length(r, (long) q0 * k0)];
      fill(r, bank);
      fill(r, queries);
      for (int i = 0; i < scales.length; i++) {
        scales[i] = r.nextFloat();
      }
      for (int i = 0; i < qScales.length; i++) {
        qScales[i] = r.nextFloat();
      }

      RuntimeException javaError = null;
      float[] js = outS.clone();
      int[] ji = outI.clone();
      try {
        call(
            JavaKernels.instance(),
            int8,
            bank,
            scales,
            n,
            dim,
            queries,
            qScales,
            off,
            nq,
            k,
            js,
            ji);
      } catch (RuntimeException e) {
        javaError = e;
      }
      float[] ns = outS.clone();
      int[] ni = outI.clone();
      try {
        call(kernels, int8, bank, scales, n, dim, queries, qScales, off, nq, k, ns, ni);
        if (javaError != null) {
          fail("native accepted what the Java twin refused: " + javaError);
        }
      } catch (IllegalArgumentException | NullPointerException e) {
        if (javaError == null) {
          fail("native refused what the Java twin accepted", e);
        }
        assertEquals(javaError.getClass(), e.getClass());
        assertEquals(javaError.getMessage(), e.getMessage());
        continue;
      }
      valid++;
      assertArrayEquals(ji, ni, "iteration " + iter);
      if (int8) {
        assertArrayEquals(js, ns);
      }
    }
    assertTrue(valid > 300, "valid cases: " + valid);
  }

  private static void call(
      io.edgessl.spi.KnnKernels kern,
      boolean int8,
      Object bank,
      float[] scales,
      int n,
      int dim,
      Object queries,
      float[] qScales,
      int off,
      int nq,
      int k,
      float[] outS,
      int[] outI) {
    if (int8) {
      kern.searchPackedInt8(
          (byte[]) bank, scales, n, dim, (byte[]) queries, qScales, off, nq, k, outS, outI);
    } else {
      kern.searchPacked((float[]) bank, n, dim, (float[]) queries, off, nq, k, outS, outI);
    }
  }

  private static void fill(SplittableRandom r, Object a) {
    if (a instanceof byte[] b) {
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) r.nextInt(-127, 128);
      }
    } else {
      float[] f = (float[]) a;
      for (int i = 0; i < f.length; i++) {
        f[i] = r.nextInt(-4, 5) / 4f; // exact sums: native and Java agree bit for bit
      }
    }
  }

  @Test
  void randomSegmentShapesThrowBeforeReachingC() {
    SplittableRandom r = new SplittableRandom(7);
    int valid = 0;
    for (int iter = 0; iter < 1000; iter++) {
      int n = r.nextInt(-2, 150);
      int dim = r.nextInt(-1, 20);
      int nq = r.nextInt(-1, 6);
      int k = r.nextInt(-1, 12);
      long bank = 4L * PackedBank.BLOCK * Math.max(dim, 0) * PackedBank.blocks(Math.max(n, 0));
      long queries = 4L * Math.max(nq, 0) * Math.max(dim, 0);
      long out = 4L * Math.max(nq, 0) * Math.max(k, 0);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment b = arena.allocate(Math.max(0, bank - (r.nextInt(5) == 0 ? 4 : 0)), 64);
        MemorySegment q = arena.allocate(Math.max(0, queries - (r.nextInt(5) == 0 ? 4 : 0)), 64);
        MemorySegment s = arena.allocate(Math.max(0, out - (r.nextInt(5) == 0 ? 4 : 0)), 64);
        MemorySegment sl = arena.allocate(Math.max(0, out), 64);
        if (r.nextInt(8) == 0) {
          s = s.asReadOnly();
        }
        if (r.nextInt(8) == 0 && q.byteSize() > 2) {
          q = q.asSlice(2); // misaligned floats
        }
        try {
          kernels.searchPacked(b, n, dim, q, nq, k, s, sl);
          valid++;
        } catch (IllegalArgumentException e) {
          assertTrue(
              e.getMessage().contains("segment") || e.getMessage().contains("invalid search shape"),
              e.getMessage());
        }
      }
    }
    assertTrue(valid > 100, "valid cases: " + valid);
  }

  @Test
  void closedArenasAndForeignThreadsAreRefused() throws Exception {
    int n = 70;
    int dim = 5;
    Arena arena = Arena.ofConfined();
    MemorySegment bank = arena.allocate(4L * PackedBank.length(n, dim), 64);
    MemorySegment q = arena.allocate(4L * dim, 64);
    MemorySegment s = arena.allocate(4L * 3, 64);
    MemorySegment sl = arena.allocate(4L * 3, 64);
    kernels.searchPacked(bank, n, dim, q, 1, 3, s, sl);

    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> other.submit(() -> kernels.searchPacked(bank, n, dim, q, 1, 3, s, sl)).get());
      assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
    } finally {
      other.shutdown();
    }

    arena.close();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> kernels.searchPacked(bank, n, dim, q, 1, 3, s, sl));
    assertEquals("the arena of the bank segment is closed", e.getMessage());
    try (Arena open = Arena.ofConfined()) {
      MemorySegment b8 = open.allocate(PackedInt8Bank.length(n, dim), 64);
      MemorySegment sc = open.allocate(4L * n, 64);
      MemorySegment q8 = open.allocate(8, 64);
      MemorySegment qs = open.allocate(4, 64);
      e =
          assertThrows(
              IllegalStateException.class,
              () -> kernels.searchPackedInt8(b8, sc, n, dim, q8, qs, 1, 3, s, sl));
      assertEquals("the arena of the scores segment is closed", e.getMessage());
    }
  }

  @Test
  void segmentMessagesNameTheProblem() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bank = arena.allocate(4L * PackedBank.length(64, 2), 64);
      MemorySegment q = arena.allocate(8, 64);
      MemorySegment s = arena.allocate(8, 64);
      MemorySegment sl = arena.allocate(8, 64);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> kernels.searchPacked(bank, 65, 2, q, 1, 2, s, sl));
      assertEquals("bank segment holds 512 bytes, 1024 needed", e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> kernels.searchPacked(bank, 64, 2, q, 1, 2, s.asReadOnly(), sl));
      assertEquals("scores segment is read-only", e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  kernels.searchPacked(
                      bank, 64, 2, q, 1, 2, s, MemorySegment.ofArray(new byte[8])));
      assertEquals("slots segment is aligned to 1 bytes, its elements need 4", e.getMessage());
    }
  }
}
