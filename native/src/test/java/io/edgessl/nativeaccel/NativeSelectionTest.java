package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native provider is the one the core actually selects when present; asserted, not assumed. */
class NativeSelectionTest {
  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
  }

  @Test
  void kernelSupportSelectsTheNativeKernelsOfTheBestVariant() {
    NativeKernels best = NativeKernels.best();
    assertInstanceOf(NativeKernels.class, KernelSupport.knn());
    assertInstanceOf(NativeKernels.class, KernelSupport.image());
    assertEquals(best.name(), KernelSupport.knn().name());
    assertEquals(best.name(), KernelSupport.image().name());
    assertTrue(best.name().startsWith("native-"), best.name());
    assertTrue(NativeKernels.supportedVariants().contains(best.variant()));
    assertTrue(NativeKernels.libraryOrigin().contains("jar"), NativeKernels.libraryOrigin());
  }

  @Test
  void indexesSearchWithTheNativeKernels() {
    KnnIndex fp32 = new KnnIndex(8);
    KnnIndex int8 = KnnIndex.builder(8).precision(BankPrecision.INT8).build();
    assertEquals(KernelSupport.knn().name(), fp32.kernelsName());
    assertEquals(KernelSupport.knn().name(), int8.kernelsName());
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 100; i++) {
      float[] v = new float[8];
      for (int d = 0; d < 8; d++) {
        v[d] = (float) r.nextGaussian();
      }
      fp32.add("l" + i % 3, v);
      int8.add("l" + i % 3, v);
    }
    Neighbors a = fp32.search(new float[] {1, 0, 0, 0, 0, 0, 0, 0}, 5);
    Neighbors b = int8.search(new float[] {1, 0, 0, 0, 0, 0, 0, 0}, 5);
    assertEquals(5, a.size());
    assertEquals(a.id(0), b.id(0));
    assertEquals(List.of("l0", "l1", "l2"), fp32.labels());
  }
}
