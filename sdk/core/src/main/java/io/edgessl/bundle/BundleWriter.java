package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.internal.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
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
   * which must not exist yet (after a dead rewriter's swap is recovered, as {@link #update} says).
   * A directory is written complete as {@code .NAME.new.T} and renamed in place. Files go in the
   * order given, after the manifest.
   *
   * @param manifest every field but the files, which are computed from {@code files}
   * @return the manifest written
   * @throws IllegalArgumentException when the manifest is incomplete or names files not given
   * @throws EdgeSslException {@link ErrorCode#IO} when writing fails; nothing is left behind
   * @param target the zip file or directory to create
   * @param files the bundle's files (model files and any others) by plain file name, with their
   *     contents; read, not kept or modified
   */
  public static Manifest write(Path target, Manifest.Builder manifest, Map<String, byte[]> files)
      throws EdgeSslException {
    manifest.clearFiles();
    Map<String, byte[]> ordered = new LinkedHashMap<>(files);
    for (Map.Entry<String, byte[]> f : ordered.entrySet()) {
      ManifestChecks.checkFileName(f.getKey(), "file");
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

  /**
   * Writes a new version of an existing bundle in its place, atomically: every file the bundle
   * lists is carried over (read and hash-checked) unless {@code files} replaces it, {@code files}
   * adds the rest, and the manifest is recomputed. A zip is replaced by a rename over it. A
   * directory is written complete beside the old one ({@code .NAME.new.T}, every file forced to
   * disk, under a lock file {@code .NAME.lock.T} held until the end), then swapped in by two
   * renames (the old one aside to {@code .NAME.old.T}, the new one in place) and the old one
   * deleted; if the second rename fails the old one is renamed back. Any failure before the swap
   * leaves the bundle byte for byte as it was, and no temporary file behind.
   *
   * <p>A process killed between the two renames leaves no directory at the path for an instant that
   * lasts until the next recovery: {@link ModelBundle#open} of the missing path, and every
   * directory write of it, first finishes a dead writer's swap (its new version renamed in when it
   * opens with every hash verified, else its old one renamed back) and deletes dead writers'
   * leftovers, while leaving a live writer's (one whose lock is held) alone, as {@code AtomicFiles}
   * does for zips. So after a kill at any instant the path holds the old version or the new one,
   * the new one once the old was moved aside. A single-rename layout (the path a symbolic link to a
   * versioned directory) was not chosen: it would change what a directory bundle is on disk, and
   * copies, archives and Windows handle links badly. A signature ({@link BundleSignature#FILE}) is
   * not carried over: the new version is unsigned until signed again (and the old signature would
   * not verify anyway, the manifest having changed).
   *
   * {@snippet :
   * ModelBundle b = ModelBundle.open(path);
   * BundleWriter.update(b,
   *     b.manifest().toBuilder().precision(Precision.INT8, "encoder.int8.onnx"),
   *     Map.of("encoder.int8.onnx", int8Bytes));
   * }
   *
   * @param manifest every field but the files (usually {@code bundle.manifest().toBuilder()} with
   *     precisions added)
   * @return the manifest written
   * @throws IllegalArgumentException when the manifest is incomplete or names files not present
   * @throws EdgeSslException when a carried-over file changed since the bundle was opened ({@link
   *     ErrorCode#CORRUPT_FILE}) or writing fails ({@link ErrorCode#IO})
   * @param bundle the bundle to replace, opened by {@link ModelBundle#open}
   * @param files files to add or replace by plain file name, with their contents; read, not kept or
   *     modified
   */
  public static Manifest update(
      ModelBundle bundle, Manifest.Builder manifest, Map<String, byte[]> files)
      throws EdgeSslException {
    Map<String, byte[]> all = new LinkedHashMap<>();
    for (String f : bundle.manifest().files().keySet()) {
      all.put(f, files.containsKey(f) ? files.get(f) : bundle.read(f));
    }
    all.putAll(files);
    manifest.clearFiles();
    for (Map.Entry<String, byte[]> f : all.entrySet()) {
      ManifestChecks.checkFileName(f.getKey(), "file");
      manifest.file(f.getKey(), ModelBundle.sha256(f.getValue()));
    }
    Manifest m = manifest.build();
    byte[] json = Json.writePretty(m.toJson()).getBytes(StandardCharsets.UTF_8);
    Path target = bundle.path();
    try {
      if (bundle.isArchive()) {
        writeZip(target, json, all);
      } else {
        replaceDirectory(target, json, all);
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot update " + target + ": " + e, e);
    }
    return m;
  }

  /**
   * Signs a bundle with an Ed25519 key ({@link BundleSignature}), in place and atomically: the
   * bundle is opened and checked first (every file's hash), then a directory gets its {@code
   * signature.json} written (or replaced) by a rename, and a zip is rewritten whole (the same
   * {@code manifest.json} bytes and files, {@code signature.json} last) and renamed over the old
   * one. A failure leaves the bundle as it was. Signing again replaces the signature.
   *
   * {@snippet :
   * Path key = Path.of("edgessl-signing.key"); // written by edgessl keygen
   * BundleWriter.sign(Path.of("vit-tiny.edgessl"),
   *     BundleKeys.readPrivateKey(key), BundleKeys.readPublicKey(key));
   * }
   *
   * @param bundle a bundle directory or zip, rewritten in place
   * @param privateKey the signer's Ed25519 private key
   * @param publicKey the private key's public key: it gives the key id, and the new signature is
   *     checked with it
   * @return the signature written
   * @throws IllegalArgumentException when the keys are not an Ed25519 pair
   * @throws EdgeSslException as {@link ModelBundle#open}; {@link ErrorCode#UNAVAILABLE} when this
   *     platform lacks Ed25519; {@link ErrorCode#IO} when writing fails
   */
  public static BundleSignature sign(Path bundle, PrivateKey privateKey, PublicKey publicKey)
      throws EdgeSslException {
    ModelBundle b = ModelBundle.open(bundle);
    byte[] manifest = b.manifestBytes();
    BundleSignature sig = BundleSignature.sign(manifest, privateKey, publicKey);
    byte[] json = sig.toJson().getBytes(StandardCharsets.UTF_8);
    try {
      if (b.isArchive()) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : b.manifest().files().keySet()) {
          files.put(f, b.read(f));
        }
        files.put(BundleSignature.FILE, json);
        writeZip(b.path(), manifest, files);
      } else {
        AtomicFiles.write(b.path().resolve(BundleSignature.FILE), json);
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot sign " + bundle + ": " + e, e);
    }
    return sig;
  }

  /** Called after a directory's new version is complete, before the swap: tests inject failures. */
  static volatile Runnable beforeSwap = () -> {};

  private static void replaceDirectory(Path target, byte[] manifest, Map<String, byte[]> files)
      throws IOException {
    writeSwapped(target, manifest, files, true);
  }

  /** Writes the new version beside {@code target} and moves it in ({@link DirectorySwap}). */
  private static void writeSwapped(
      Path target, byte[] manifest, Map<String, byte[]> files, boolean replace) throws IOException {
    try (DirectorySwap swap = DirectorySwap.start(target)) {
      if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            target.toAbsolutePath() + " (remove it first, or write a .edgessl file)");
      }
      Path fresh = swap.fresh();
      write(fresh.resolve(ModelBundle.MANIFEST), manifest);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        write(fresh.resolve(f.getKey()), f.getValue());
      }
      beforeSwap.run();
      swap.commit(replace);
    }
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
    // Checked once dead writers' leftovers are recovered and deleted (DirectorySwap.start).
    writeSwapped(target.toAbsolutePath(), manifest, files, false);
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
}
