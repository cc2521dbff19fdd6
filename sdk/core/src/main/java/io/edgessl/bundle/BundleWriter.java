package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.io.AtomicFiles;
import io.edgessl.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes model bundles (export tools, test fixtures): computes every file's SHA-256 into the
 * manifest, checks it, and writes the bundle atomically, so that a crash or an error leaves either
 * the complete bundle or nothing.
 *
 * {@snippet :
 * Manifest.Builder m = Manifest.builder()
 *     .name("vit-tiny-dino").architecture("vit-tiny/16").patchSize(16)
 *     .preprocessing(preprocessing).embedding(192, "embedding", "patch_grid")
 *     .precision(Precision.FP32, "encoder.fp32.onnx")
 *     .provenance(new Provenance("dino", "fashion-mnist/train", 46900, commit));
 * BundleWriter.write(Path.of("vit-tiny.edgessl"), m, Map.of("encoder.fp32.onnx", onnxBytes));
 * }
 */
public final class BundleWriter {
  /** Fixed entry times make zipped bundles byte-for-byte reproducible. */
  private static final long ENTRY_TIME = 1_795_824_000_000L; // 2026-11-28T00:00:00Z

  private BundleWriter() {}

  /**
   * Writes a bundle: a zip file when {@code target} ends in {@code .edgessl}, else a directory,
   * which must not exist yet. Files go in the order given, after the manifest.
   *
   * @param manifest every field but the files, which are computed from {@code files}
   * @return the manifest written
   * @throws IllegalArgumentException when the manifest is incomplete or names files not given
   * @throws EdgeSslException {@link ErrorCode#IO} when writing fails; nothing is left behind
   */
  public static Manifest write(Path target, Manifest.Builder manifest, Map<String, byte[]> files)
      throws EdgeSslException {
    manifest.clearFiles();
    Map<String, byte[]> ordered = new LinkedHashMap<>(files);
    for (Map.Entry<String, byte[]> f : ordered.entrySet()) {
      Manifest.Builder.checkFileName(f.getKey(), "file");
      manifest.file(f.getKey(), ModelBundle.sha256(f.getValue()));
    }
    Manifest m = manifest.build();
    byte[] json = Json.writePretty(m.toJson()).getBytes(StandardCharsets.UTF_8);
    try {
      if (target.getFileName().toString().endsWith(ModelBundle.EXTENSION)) {
        writeZip(target, json, ordered);
      } else {
        writeDirectory(target, json, ordered);
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + target + ": " + e, e);
    }
    return m;
  }

  private static void writeZip(Path target, byte[] manifest, Map<String, byte[]> files)
      throws IOException {
    AtomicFiles.write(
        target,
        ch -> {
          // Not closed: closing would close the channel, which AtomicFiles still forces to disk.
          ZipOutputStream zip = new ZipOutputStream(Channels.newOutputStream(ch));
          entry(zip, ModelBundle.MANIFEST, manifest);
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            entry(zip, f.getKey(), f.getValue());
          }
          zip.finish();
          zip.flush();
        });
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTime(ENTRY_TIME);
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }

  private static void writeDirectory(Path target, byte[] manifest, Map<String, byte[]> files)
      throws IOException {
    Path abs = target.toAbsolutePath();
    if (Files.exists(abs)) {
      throw new FileAlreadyExistsException(abs + " (remove it first, or write a .edgessl file)");
    }
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException("directory does not exist: " + parent);
    }
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
    boolean done = false;
    try {
      write(tmp.resolve(ModelBundle.MANIFEST), manifest);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        write(tmp.resolve(f.getKey()), f.getValue());
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs);
      }
      done = true;
    } finally {
      if (!done) {
        deleteTree(tmp);
      }
    }
  }

  private static void write(Path p, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true); // on disk before the rename makes the bundle visible
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
