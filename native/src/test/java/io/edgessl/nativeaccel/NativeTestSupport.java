package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whether the tests can expect libedgessl: it is packaged in target/classes when CMake built it.
 * Where it was not built, native tests skip, unless the build requires it ({@code
 * -Dedgessl.requireNative=true}, as scripts/test sets), in which case they fail.
 */
final class NativeTestSupport {
  private NativeTestSupport() {}

  static boolean packaged() {
    return NativeLoader.class.getResource(NativeLoader.resourceName()) != null;
  }

  static void assumeLibrary() {
    boolean present = packaged();
    if (!present && Boolean.getBoolean("edgessl.requireNative")) {
      throw new AssertionError(
          "libedgessl is not packaged for "
              + NativeLoader.platform()
              + " but the build requires it (-Dedgessl.requireNative=true)");
    }
    assumeTrue(present, "libedgessl was not built (no cmake / C compiler): native tests skipped");
  }
}
