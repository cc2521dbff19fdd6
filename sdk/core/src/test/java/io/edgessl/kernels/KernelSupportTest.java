package io.edgessl.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelSupportTest {
  @Test
  void javaIsTheFallbackWithoutProviders() {
    // The core module has no provider on its test class path.
    assertSame(JavaKernels.instance(), KernelSupport.select(""));
    assertEquals("java", KernelSupport.get().name());
  }

  @Test
  void forcingJavaAlwaysWorks() {
    assertSame(JavaKernels.instance(), KernelSupport.select("java"));
  }

  @Test
  void forcingAnAbsentProviderIsAnError() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> KernelSupport.select("native"));
    assertTrue(e.getMessage().contains("-Dedgessl.kernels=native"), e.getMessage());
  }
}
