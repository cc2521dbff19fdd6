package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each step of the documented search order, and each failure's message. */
class NativeLoaderTest {
  @TempDir Path dir;
  static URL packaged;
  static Path built;

  @BeforeAll
  static void library() throws Exception {
    NativeTestSupport.assumeLibrary();
    packaged = NativeLoader.class.getResource(NativeLoader.resourceName());
    built = Path.of(packaged.toURI());
  }

  @Test
  void theSystemPropertyComesFirst() {
    NativeLoader.Loaded l = NativeLoader.load(true, built.toString(), packaged, "", dir);
    assertEquals("-Dedgessl.native.library=" + built, l.origin());
    assertTrue(l.lookup().find("edgessl_knn_search_f32").isPresent());
  }

  @Test
  void thenThePackagedLibraryExtractedToAPrivateDirectoryAndRemoved() throws Exception {
    NativeLoader.Loaded l = NativeLoader.load(true, null, packaged, "", dir);
    assertEquals("the edgessl-native jar (" + NativeLoader.platform() + ")", l.origin());
    assertTrue(l.lookup().find("edgessl_knn_search_i8").isPresent());
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count(), "the extracted copy is deleted once loaded");
    }
  }

  @Test
  void thenTheLibraryPath() {
    String path = dir + java.io.File.pathSeparator + built.getParent();
    NativeLoader.Loaded l = NativeLoader.load(true, null, null, path, dir);
    assertEquals("java.library.path (" + built + ")", l.origin());
  }

  @Test
  void failuresSayHowToFixThem() throws Exception {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> NativeLoader.load(false, built.toString(), packaged, "", dir));
    assertEquals(
        "native access is not enabled: run java with --enable-native-access=ALL-UNNAMED (an"
            + " executable jar can say Enable-Native-Access: ALL-UNNAMED in its manifest)",
        e.getMessage());

    e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> NativeLoader.load(true, dir.resolve("none.so").toString(), packaged, "", dir));
    assertEquals(
        "-Dedgessl.native.library=" + dir.resolve("none.so") + " names no file", e.getMessage());

    e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> NativeLoader.load(true, null, null, dir.toString(), dir));
    assertEquals(
        "no libedgessl.so for "
            + NativeLoader.platform()
            + " in the edgessl-native jar (built without cmake?) nor on java.library.path; build"
            + " it (native/README.md) and pass -Dedgessl.native.library=/path/to/libedgessl.so",
        e.getMessage());

    Path text = Files.writeString(dir.resolve("libedgessl.so"), "not a library");
    e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> NativeLoader.load(true, text.toString(), null, "", dir));
    assertTrue(e.getMessage().startsWith("cannot load " + text + " ("), e.getMessage());
  }

  @Test
  void anotherLibraryIsRefused() {
    Path libm = Path.of("/lib/x86_64-linux-gnu/libm.so.6");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(libm));
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> NativeLoader.load(true, libm.toString(), null, "", dir));
    assertEquals(
        "libedgessl from -Dedgessl.native.library="
            + libm
            + " lacks edgessl_abi_version: it is not the library of this edgessl-native version",
        e.getMessage());
  }
}
