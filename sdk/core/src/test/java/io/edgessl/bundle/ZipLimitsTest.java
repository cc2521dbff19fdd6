package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.testing.TestBundles;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipLimitsTest {
  @TempDir Path dir;

  static final byte[] MODEL = "not really onnx".getBytes(StandardCharsets.US_ASCII);

  /**
   * A zip of a valid manifest listing {@code files}, then the files, then {@code extra} entries.
   */
  private Path zip(String name, Map<String, byte[]> files, Map<String, byte[]> extra)
      throws Exception {
    Manifest.Builder m = TestBundles.manifest().clearFiles();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      m.file(f.getKey(), ModelBundle.sha256(f.getValue()));
    }
    Path p = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(p);
        ZipOutputStream z = new ZipOutputStream(out)) {
      Map<String, byte[]> all = new LinkedHashMap<>();
      all.put(
          "manifest.json", Json.writePretty(m.build().toJson()).getBytes(StandardCharsets.UTF_8));
      all.putAll(files);
      all.putAll(extra);
      for (Map.Entry<String, byte[]> f : all.entrySet()) {
        z.putNextEntry(new ZipEntry(f.getKey()));
        z.write(f.getValue());
        z.closeEntry();
      }
    }
    return p;
  }

  /** Sets a field of {@code entry}'s central directory record. */
  private static void patch(Path zip, String entry, int offset, int width, long value)
      throws Exception {
    byte[] bytes = Files.readAllBytes(zip);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = entry.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 <= bytes.length; i++) {
      if (b.getInt(i) == 0x02014b50
          && (b.getShort(i + 28) & 0xFFFF) == name.length
          && java.util.Arrays.equals(bytes, i + 46, i + 46 + name.length, name, 0, name.length)) {
        if (width == 2) {
          b.putShort(i + offset, (short) value);
        } else {
          b.putInt(i + offset, (int) value);
        }
        Files.write(zip, bytes);
        return;
      }
    }
    throw new AssertionError("no central entry " + entry);
  }

  private static EdgeSslException refused(Path p) {
    return assertThrows(EdgeSslException.class, () -> ModelBundle.open(p));
  }

  @Test
  void tooManyEntriesAreRefusedBeforeAnyIsRead() throws Exception {
    Map<String, byte[]> extra = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      extra.put("junk" + i, new byte[0]);
    }
    Path p = zip("b.edgessl", Map.of("encoder.fp32.onnx", MODEL), extra);
    EdgeSslException e = refused(p);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals("model bundle " + p + " holds 302 entries, over the limit of 256", e.getMessage());
    e =
        assertThrows(
            EdgeSslException.class,
            () ->
                ModelBundle.opener()
                    .maxEntries(1)
                    .open(zip("c.edgessl", Map.of("encoder.fp32.onnx", MODEL), Map.of())));
    assertTrue(e.getMessage().endsWith(" holds 2 entries, over the limit of 1"), e.getMessage());
  }

  @Test
  void anEntryInflatingPastItsDeclaredSizeIsRefused() throws Exception {
    byte[] big = new byte[4 << 20]; // 4 MiB of zeros: deflates to a few KiB
    Path p = zip("b.edgessl", Map.of("encoder.fp32.onnx", big), Map.of());
    patch(p, "encoder.fp32.onnx", 24, 4, 1000); // uncompressed size: "1000 bytes"
    EdgeSslException e = refused(p);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        p + "!encoder.fp32.onnx inflates to more than the 1000 bytes it declares", e.getMessage());
  }

  @Test
  void entryAndTotalSizeLimits() throws Exception {
    byte[] big = new byte[1 << 20];
    Path p = zip("b.edgessl", Map.of("encoder.fp32.onnx", big), Map.of());
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class, () -> ModelBundle.opener().maxEntryBytes(1000).open(p));
    assertEquals(
        p + "!encoder.fp32.onnx declares 1048576 bytes, over the limit of 1000 bytes per entry",
        e.getMessage());
    e =
        assertThrows(
            EdgeSslException.class, () -> ModelBundle.opener().maxTotalBytes(1 << 19).open(p));
    assertTrue(e.getMessage().contains(" bytes in all, over the limit of 524288"), e.getMessage());
    // Lying about the size does not get past the limit either.
    patch(p, "encoder.fp32.onnx", 24, 4, 10);
    e =
        assertThrows(
            EdgeSslException.class, () -> ModelBundle.opener().maxEntryBytes(1000).open(p));
    assertEquals(
        p + "!encoder.fp32.onnx inflates to more than the 10 bytes it declares", e.getMessage());
    ModelBundle.open(zip("ok.edgessl", Map.of("encoder.fp32.onnx", big), Map.of()));
  }

  @Test
  void aSymlinkEntryIsRefused() throws Exception {
    Path p = zip("b.edgessl", Map.of("encoder.fp32.onnx", MODEL), Map.of());
    patch(p, "encoder.fp32.onnx", 4, 2, (3 << 8) | 20); // made by Unix
    patch(p, "encoder.fp32.onnx", 38, 4, 0120777L << 16); // lrwxrwxrwx
    EdgeSslException e = refused(p);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        p + "!encoder.fp32.onnx is a symbolic link; a model bundle must hold its files",
        e.getMessage());
  }

  @Test
  void traversalAndAbsoluteNamesAreRefused() throws Exception {
    for (String name : new String[] {"../x", "a/../../x", "/etc/passwd", "C:\\x", "a\\..\\x"}) {
      Path p =
          zip(
              "b" + name.hashCode() + ".edgessl",
              Map.of("encoder.fp32.onnx", MODEL),
              Map.of(name, MODEL));
      EdgeSslException e = refused(p);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code());
      assertTrue(
          e.getMessage().startsWith("model bundle " + p + " holds an entry named '" + name + "': "),
          e.getMessage());
    }
  }

  @Test
  void duplicateNamesAreRefused() throws Exception {
    // A twin of manifest.json's name, of the same length, renamed in place.
    byte[] bytes;
    String s;
    Path q = zip("c.edgessl", Map.of("encoder.fp32.onnx", MODEL), Map.of("manifest.jsoX", MODEL));
    bytes = Files.readAllBytes(q);
    s = new String(bytes, StandardCharsets.ISO_8859_1).replace("manifest.jsoX", "manifest.json");
    Files.write(q, s.getBytes(StandardCharsets.ISO_8859_1));
    EdgeSslException e = refused(q);
    assertEquals("model bundle " + q + " holds two entries named manifest.json", e.getMessage());
  }

  @Test
  void aSymlinkInADirectoryBundleIsRefused() throws Exception {
    Path b = dir.resolve("b");
    BundleWriter.write(b, TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    Path elsewhere = Files.write(dir.resolve("elsewhere.onnx"), MODEL);
    Files.delete(b.resolve("encoder.fp32.onnx"));
    Files.createSymbolicLink(b.resolve("encoder.fp32.onnx"), elsewhere);
    EdgeSslException e = refused(b);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        b.resolve("encoder.fp32.onnx")
            + " is a symbolic link; a model bundle must hold its files, not link to them",
        e.getMessage());
  }
}
