package io.edgessl.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.KernelsProvider;
import io.edgessl.spi.KnnKernels;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelSupportTest {
  /** A provider of k-NN kernels only (no image kernels), named "knn-only". */
  static final class KnnOnly implements KernelsProvider {
    int calls;

    @Override
    public int rank() {
      return 50;
    }

    @Override
    public String name() {
      return "knn-only";
    }

    @Override
    public Optional<KnnKernels> knn() {
      calls++;
      return Optional.of(JavaKernels.instance());
    }
  }

  /** A provider that cannot run: its domains throw. */
  static final class Broken implements KernelsProvider {
    final RuntimeException failure;
    final Error error;
    int calls;

    Broken(RuntimeException failure, Error error) {
      this.failure = failure;
      this.error = error;
    }

    @Override
    public int rank() {
      return 100;
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public Optional<KnnKernels> knn() {
      calls++;
      if (error != null) {
        throw error;
      }
      throw failure;
    }

    @Override
    public Optional<ImageKernels> image() {
      return knn().map(k -> null);
    }
  }

  @Test
  void javaIsTheFallbackWithoutProviders() {
    // The core module has no provider on its test class path.
    assertSame(
        JavaKernels.instance(),
        KernelSupport.select("", List.of(), KernelsProvider::knn, JavaKernels.instance()));
    assertEquals("java", KernelSupport.knn().name());
    assertEquals("java", KernelSupport.image().name());
    assertSame(JavaImageKernels.instance(), KernelSupport.image());
  }

  @Test
  void forcingJavaAlwaysWorks() {
    KnnOnly p = new KnnOnly();
    assertSame(
        JavaKernels.instance(),
        KernelSupport.select("java", List.of(p), KernelsProvider::knn, JavaKernels.instance()));
    assertEquals(0, p.calls);
  }

  @Test
  void forcingAnAbsentProviderIsAnError() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                KernelSupport.select(
                    "native", List.of(), KernelsProvider::knn, JavaKernels.instance()));
    assertEquals(
        "-Dedgessl.kernels=native names no kernels provider on the class path", e.getMessage());
  }

  @Test
  void eachDomainFallsBackOnItsOwn() {
    KnnOnly p = new KnnOnly();
    Object image =
        KernelSupport.select("", List.of(p), KernelsProvider::image, JavaImageKernels.instance());
    assertSame(JavaImageKernels.instance(), image);
    assertEquals(0, p.calls);
    KernelSupport.select("", List.of(p), KernelsProvider::knn, JavaKernels.instance());
    assertEquals(1, p.calls);
  }

  @Test
  void aProviderThatCannotRunIsSkippedAndTriedOnce() {
    for (Broken b :
        List.of(
            new Broken(new UnsupportedOperationException("no library"), null),
            new Broken(null, new UnsupportedClassVersionError("class file version 66.0")))) {
      KnnOnly next = new KnnOnly();
      assertSame(
          JavaKernels.instance(),
          KernelSupport.select("", List.of(b, next), KernelsProvider::knn, JavaKernels.instance()));
      assertSame(
          JavaImageKernels.instance(),
          KernelSupport.select(
              "", List.of(b, next), KernelsProvider::image, JavaImageKernels.instance()));
      assertEquals(1, b.calls, "a failed provider is not asked again for another domain");
      assertEquals(1, next.calls);
    }
  }

  @Test
  void aForcedProviderThatCannotRunIsAnError() {
    Broken b = new Broken(new UnsupportedOperationException("no library"), null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                KernelSupport.select(
                    "broken", List.of(b), KernelsProvider::knn, JavaKernels.instance()));
    assertEquals(
        "-Dedgessl.kernels=broken was asked for but cannot run: no library", e.getMessage());
  }

  @Test
  void kernelsByName() {
    assertSame(JavaImageKernels.instance(), KernelSupport.image("java"));
    assertSame(JavaKernels.instance(), KernelSupport.knn("java"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KernelSupport.image("cuda"));
    assertEquals("no kernels named 'cuda'; found [java]", e.getMessage());
    assertTrue(KernelSupport.knn("java").name().equals("java"));
  }
}
