package io.edgessl.nativeaccel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Finds and opens {@code libedgessl} once per JVM, in the order documented in {@code
 * package-info.java}, and checks that it is the library these bindings were written for.
 */
final class NativeLoader {
  /** System property naming the library file to load instead of the packaged one. */
  static final String LIBRARY_PROPERTY = "edgessl.native.library";

  /** The C library's base name. */
  static final String LIBRARY = "edgessl";

  /** The {@code EDGESSL_ABI_VERSION} these bindings were written for. */
  static final int ABI_VERSION = 1;

  /**
   * Every symbol {@link LibEdgeSsl} binds; a library that lacks one is refused here, before that
   * class is initialized (which must not fail: a failed class initializer poisons it for good).
   */
  static final List<String> SYMBOLS =
      List.of(
          "edgessl_abi_version",
          "edgessl_variant_best",
          "edgessl_variant_supported",
          "edgessl_variant_name",
          "edgessl_int8_padded_dim",
          "edgessl_knn_search_f32",
          "edgessl_knn_search_i8",
          "edgessl_preprocess");

  /** An opened library and where it came from. */
  record Loaded(SymbolLookup lookup, String origin) {}

  private static Loaded loaded;
  private static String failure;

  private NativeLoader() {}

  /**
   * The library, loaded on the first call.
   *
   * @throws UnsupportedOperationException when it cannot be used here; the message says how to fix
   *     that
   */
  static synchronized Loaded load() {
    if (loaded == null && failure == null) {
      try {
        loaded =
            load(
                NativeLoader.class.getModule().isNativeAccessEnabled(),
                System.getProperty(LIBRARY_PROPERTY),
                NativeLoader.class.getResource(resourceName()),
                System.getProperty("java.library.path", ""),
                Path.of(System.getProperty("java.io.tmpdir")));
      } catch (UnsupportedOperationException e) {
        failure = e.getMessage();
      }
    }
    if (failure != null) {
      throw new UnsupportedOperationException(failure);
    }
    return loaded;
  }

  /**
   * The search itself, with its inputs as arguments so that tests can try each step; the packaged
   * library is extracted below {@code tmp}.
   */
  static Loaded load(
      boolean nativeAccess, String explicitPath, URL packaged, String libraryPath, Path tmp) {
    if (!nativeAccess) {
      Module m = NativeLoader.class.getModule();
      throw new UnsupportedOperationException(
          "native access is not enabled: run java with --enable-native-access="
              + (m.isNamed() ? m.getName() : "ALL-UNNAMED")
              + " (an executable jar can say Enable-Native-Access: ALL-UNNAMED in its manifest)");
    }
    if (explicitPath != null && !explicitPath.isBlank()) {
      Path p = Path.of(explicitPath);
      if (!Files.isRegularFile(p)) {
        throw new UnsupportedOperationException(
            "-D" + LIBRARY_PROPERTY + "=" + explicitPath + " names no file");
      }
      return verified(open(p), "-D" + LIBRARY_PROPERTY + "=" + explicitPath);
    }
    if (packaged != null) {
      return verified(extractAndOpen(packaged, tmp), "the edgessl-native jar (" + platform() + ")");
    }
    String file = System.mapLibraryName(LIBRARY);
    for (String dir : libraryPath.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, file);
      if (Files.isRegularFile(p)) {
        return verified(open(p), "java.library.path (" + p + ")");
      }
    }
    throw new UnsupportedOperationException(
        "no "
            + file
            + " for "
            + platform()
            + " in the edgessl-native jar (built without cmake?) nor on java.library.path;"
            + " build it (native/README.md) and pass -D"
            + LIBRARY_PROPERTY
            + "=/path/to/"
            + file);
  }

  /**
   * The platform directory of the packaged library: {@code linux-x86_64}, {@code darwin-aarch64}.
   */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("linux")) {
      os = "linux";
    } else {
      os = os.replaceAll("[^a-z0-9]", "");
    }
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    arch =
        switch (arch) {
          case "amd64", "x86_64", "x64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> arch;
        };
    return os + "-" + arch;
  }

  /** The packaged library's resource name, relative to this class's package. */
  static String resourceName() {
    return platform() + "/" + System.mapLibraryName(LIBRARY);
  }

  /**
   * Copies the packaged library into a new directory that only this user can read, opens it, and
   * deletes it again (the loaded library stays mapped). Where the OS keeps the file locked, it is
   * deleted when the JVM exits.
   */
  private static SymbolLookup extractAndOpen(URL packaged, Path tmp) {
    Path dir = null;
    Path file = null;
    try {
      dir = Files.createTempDirectory(tmp, "edgessl-native-");
      file = dir.resolve(System.mapLibraryName(LIBRARY));
      try (InputStream in = packaged.openStream()) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return open(file);
    } catch (IOException e) {
      throw new UnsupportedOperationException(
          "cannot copy the packaged libedgessl to a temporary directory ("
              + e
              + "); set java.io.tmpdir to a writable directory or pass -D"
              + LIBRARY_PROPERTY);
    } finally {
      deleteOrDeferred(file);
      deleteOrDeferred(dir);
    }
  }

  private static void deleteOrDeferred(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      p.toFile().deleteOnExit();
    }
  }

  /** The one place that opens a library: restricted, and checked for native access above. */
  @SuppressWarnings("restricted")
  private static SymbolLookup open(Path file) {
    try {
      return SymbolLookup.libraryLookup(file, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new UnsupportedOperationException("cannot load " + file + " (" + e.getMessage() + ")");
    }
  }

  /** Checks that every symbol the bindings use exists and that the ABI version matches. */
  private static Loaded verified(SymbolLookup lookup, String origin) {
    for (String symbol : SYMBOLS) {
      if (lookup.find(symbol).isEmpty()) {
        throw new UnsupportedOperationException(
            "libedgessl from "
                + origin
                + " lacks "
                + symbol
                + ": it is not the library of this edgessl-native version");
      }
    }
    int abi = abiVersion(lookup);
    if (abi != ABI_VERSION) {
      throw new UnsupportedOperationException(
          "libedgessl from "
              + origin
              + " has ABI version "
              + abi
              + ", these bindings need "
              + ABI_VERSION
              + ": use the library built with this edgessl-native version");
    }
    return new Loaded(lookup, origin);
  }

  @SuppressWarnings("restricted")
  private static int abiVersion(SymbolLookup lookup) {
    MethodHandle h =
        Linker.nativeLinker()
            .downcallHandle(
                lookup.find("edgessl_abi_version").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
    try {
      return (int) h.invokeExact();
    } catch (Throwable t) {
      throw new UnsupportedOperationException("edgessl_abi_version failed: " + t);
    }
  }
}
