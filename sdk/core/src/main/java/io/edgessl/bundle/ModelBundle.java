package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A model bundle: a directory, or a zip file named {@code *.edgessl}, holding {@code manifest.json}
 * ({@link Manifest}) and the files it lists (ONNX models per precision, later heads).
 *
 * <p>{@link #open} checks everything before anything runs: the manifest's every field, that every
 * file it lists is present and has the SHA-256 it gives, and that the bundle holds no file it does
 * not list (hidden files such as {@code .DS_Store} in a directory excepted). {@link #read} checks a
 * file's hash again as it hands out its bytes, so a file swapped after opening is caught too.
 *
 * {@snippet :
 * ModelBundle bundle = ModelBundle.open(Path.of("vit-tiny.edgessl"));
 * try (Encoder encoder = Encoder.open(bundle)) {
 *   Embedding e = encoder.embed(frame);
 * }
 * }
 *
 * <p>A bundle holds no open files between calls; it is immutable and thread-safe.
 */
public final class ModelBundle {
  /** The manifest's file name. */
  public static final String MANIFEST = "manifest.json";

  /** The extension of zipped bundles. */
  public static final String EXTENSION = ".edgessl";

  private final Path path;
  private final boolean archive;
  private final Manifest manifest;
  private final Map<String, Long> sizes;
  private final String signer;

  ModelBundle(
      Path path, boolean archive, Manifest manifest, Map<String, Long> sizes, String signer) {
    this.path = path;
    this.archive = archive;
    this.manifest = manifest;
    this.sizes = Collections.unmodifiableMap(sizes);
    this.signer = signer;
  }

  /**
   * Opens and verifies a bundle: a directory, or a zip file, with no trusted keys (a signature, if
   * any, is not checked) and the default {@linkplain Opener limits}. The same as {@code
   * opener().open(path)}. When {@code path} does not exist, a directory bundle left missing by a
   * rewriter killed mid-swap is put back first ({@link BundleWriter#update} says how).
   *
   * @throws EdgeSslException {@link ErrorCode#FILE_NOT_FOUND} when the bundle, its manifest or a
   *     file it lists is missing; {@link ErrorCode#UNSUPPORTED_VERSION} for a manifest of another
   *     format version; {@link ErrorCode#CORRUPT_FILE} for a bad manifest, a hash mismatch, an
   *     unlisted file, a symbolic link or a zip over a limit; {@link ErrorCode#IO} when reading
   *     fails
   * @param path a bundle directory, or a zip file (usually {@code .edgessl})
   * @return the opened bundle; it holds no open file or memory beyond its manifest
   */
  public static ModelBundle open(Path path) throws EdgeSslException {
    return opener().open(path);
  }

  /**
   * An opener with no trusted keys and the default limits, to configure: {@code
   * ModelBundle.opener().trust(key).open(path)}.
   *
   * @return a new opener
   */
  public static Opener opener() {
    return new Opener();
  }

  /**
   * Opens bundles with trusted keys and zip limits. With one or more keys {@linkplain #trust
   * trusted}, {@link #open} refuses, with {@link ErrorCode#UNTRUSTED}, a bundle that is not signed,
   * whose signature does not verify, or that is signed by a key not trusted; it checks the
   * signature before it parses the manifest or reads any other file, so a refused bundle never
   * reaches a backend. An {@code Encoder} is built from an opened {@code ModelBundle}, so it runs
   * only what the opener accepted.
   *
   * <p>Zipped bundles are held to limits, whatever the keys: at most {@link #DEFAULT_MAX_ENTRIES}
   * entries, {@link #DEFAULT_MAX_ENTRY_BYTES} bytes in one entry and {@link
   * #DEFAULT_MAX_TOTAL_BYTES} in all, once inflated; an entry that inflates to more than its
   * declared size is refused as soon as it does. {@code manifest.json} may be at most {@link
   * #MAX_MANIFEST_BYTES} bytes. Entries that are Unix symbolic links, have an absolute name or a
   * {@code ..} segment, or share a name are refused; so is a listed file of a directory bundle that
   * is a symbolic link.
   *
   * <p>An opener is a mutable builder, not thread-safe; the bundles it opens are.
   */
  public static final class Opener {
    /** The default limit on a zipped bundle's entries. */
    public static final int DEFAULT_MAX_ENTRIES = 256;

    /** The default limit on one inflated zip entry: 2 GiB, the most {@link #read} can return. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 31;

    /** The default limit on all of a zipped bundle's entries, inflated: 4 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 1L << 32;

    /** The largest {@code manifest.json} read, in bytes: 1 MiB. */
    public static final int MAX_MANIFEST_BYTES = 1 << 20;

    final Map<String, PublicKey> trusted = new LinkedHashMap<>();
    int maxEntries = DEFAULT_MAX_ENTRIES;
    long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;

    private Opener() {}

    /**
     * Trusts Ed25519 public keys ({@link BundleKeys#readPublicKey}): bundles must then be signed by
     * one of them.
     *
     * @param keys the trusted keys
     * @return this opener
     */
    public Opener trust(PublicKey... keys) {
      return trust(Arrays.asList(keys));
    }

    /**
     * Trusts Ed25519 public keys, as {@link #trust(PublicKey...)}.
     *
     * @param keys the trusted keys
     * @return this opener
     */
    public Opener trust(Collection<? extends PublicKey> keys) {
      for (PublicKey k : keys) {
        Objects.requireNonNull(k, "key");
        trusted.put(BundleKeys.keyId(k), k);
      }
      return this;
    }

    /**
     * The most entries a zipped bundle may hold.
     *
     * @param n the limit, at least 1
     * @return this opener
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public Opener maxEntries(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxEntries must be positive: " + n);
      }
      maxEntries = n;
      return this;
    }

    /**
     * The most bytes one zip entry may inflate to.
     *
     * @param n the limit in bytes, at least 1
     * @return this opener
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public Opener maxEntryBytes(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxEntryBytes must be positive: " + n);
      }
      maxEntryBytes = n;
      return this;
    }

    /**
     * The most bytes all of a zipped bundle's entries may inflate to.
     *
     * @param n the limit in bytes, at least 1
     * @return this opener
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public Opener maxTotalBytes(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxTotalBytes must be positive: " + n);
      }
      maxTotalBytes = n;
      return this;
    }

    /**
     * Opens and verifies a bundle, as {@link ModelBundle#open}, and, when keys are trusted, its
     * signature first.
     *
     * @param path a bundle directory, or a zip file (usually {@code .edgessl})
     * @return the opened bundle
     * @throws EdgeSslException as {@link ModelBundle#open}; {@link ErrorCode#UNTRUSTED} when keys
     *     are trusted and the bundle is not signed, its signature does not verify, or its signer is
     *     not trusted; {@link ErrorCode#CORRUPT_FILE} for a damaged {@code signature.json}; {@link
     *     ErrorCode#UNAVAILABLE} when keys are trusted and this platform lacks Ed25519
     */
    public ModelBundle open(Path path) throws EdgeSslException {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        recoverDirectory(path);
      }
      if (Files.isDirectory(path)) {
        return BundleReading.openDirectory(path, this);
      }
      if (!Files.isRegularFile(path)) {
        throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "model bundle not found: " + path);
      }
      return BundleReading.openZip(path, this);
    }
  }

  /**
   * A directory bundle rewritten in place is missing for an instant between its writer's two
   * renames, and stays missing when the writer is killed there: puts a dead writer's bundle back
   * ({@link DirectorySwap#recover}), or waits up to a second for a live writer to finish its swap.
   * Best effort: when the parent directory cannot be written, the bundle is reported missing.
   */
  private static void recoverDirectory(Path path) {
    try {
      for (int i = 0; i < 20; i++) {
        boolean live = DirectorySwap.recover(path);
        if (!live
            || Files.exists(path, LinkOption.NOFOLLOW_LINKS)
            || !DirectorySwap.swapping(path)) {
          return;
        }
        Thread.sleep(50);
      }
    } catch (IOException e) {
      // not recoverable from here: open reports the bundle missing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A bundle of one ONNX file that is not in a bundle (a model exported by PyTorch, say): the file
   * becomes the bundle's only model, of {@code precision}. {@code description} says what the
   * manifest would: {@link Manifest.Builder#preprocessing} (input size, colour, mean and std,
   * resize), {@link Manifest.Builder#patchSize} or {@link Manifest.Builder#featureStride}, {@link
   * Manifest.Builder#embedding} (size and output names) and, if not {@code pixels}, the input name;
   * a missing name becomes the file's name, a missing architecture {@code onnx}, a missing
   * provenance {@code import}. Its precisions and files are replaced. The file is read and hashed
   * now and again when an encoder loads it, like a bundle's.
   *
   * {@snippet :
   * ModelBundle b =
   *     ModelBundle.fromOnnx(
   *         Path.of("dinov2-small.onnx"),
   *         Precision.FP32,
   *         Manifest.builder()
   *             .preprocessing(Preprocessing.builder(224, 224).build())  // mean, std, resize...
   *             .patchSize(14)
   *             .embedding(384, "embedding", "patch_grid"));
   * }
   *
   * @throws EdgeSslException {@link ErrorCode#FILE_NOT_FOUND} when there is no such file, {@link
   *     ErrorCode#IO} when it cannot be read
   * @throws IllegalArgumentException when {@code description} is incomplete or inconsistent (the
   *     message names the field)
   * @param onnx the ONNX model file
   * @param precision the precision the file holds
   * @param description what a manifest would say; modified (its precisions and files are replaced)
   * @return a bundle whose only file is {@code onnx}
   */
  public static ModelBundle fromOnnx(Path onnx, Precision precision, Manifest.Builder description)
      throws EdgeSslException {
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(description, "description");
    Path file = onnx.toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "ONNX model not found: " + onnx);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw io("cannot read " + onnx, e);
    }
    String name = file.getFileName().toString();
    Manifest m = description.bareOnnx(name, sha256(bytes), precision, file.toString()).build();
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put(name, (long) bytes.length);
    return new ModelBundle(file.getParent(), false, m, sizes, null);
  }

  /**
   * The SHA-256 of {@code bytes}, lower-case hex.
   *
   * @param bytes the data; read, not modified
   * @return 64 lower-case hex digits
   */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static EdgeSslException io(String what, IOException e) {
    return new EdgeSslException(ErrorCode.IO, what + ": " + e, e);
  }

  /**
   * The id ({@link BundleKeys#keyId}) of the trusted key whose signature was verified when the
   * bundle was opened; empty when it was opened with no trusted keys.
   *
   * @return the signer's key id, or empty
   */
  public Optional<String> signerKeyId() {
    return Optional.ofNullable(signer);
  }

  /**
   * Where the bundle is.
   *
   * @return the bundle's directory or zip file
   */
  public Path path() {
    return path;
  }

  /**
   * Whether the bundle is a zip file (else a directory).
   *
   * @return true for a zip file
   */
  public boolean isArchive() {
    return archive;
  }

  /** {@return the verified manifest (immutable)} */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * Size in bytes of each listed file, as verified.
   *
   * @return file sizes in bytes by file name; immutable
   */
  public Map<String, Long> sizes() {
    return sizes;
  }

  /**
   * The bytes of {@code manifest.json} as stored now, checked to say what {@link #manifest} says
   * (for signing: the bytes signed are the bytes a verifier reads).
   *
   * @return the stored bytes of {@code manifest.json}
   * @throws EdgeSslException {@link ErrorCode#CORRUPT_FILE} when it changed since {@link #open}
   */
  byte[] manifestBytes() throws EdgeSslException {
    byte[] json;
    try {
      if (archive) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
          ZipEntry e = zip.getEntry(MANIFEST);
          if (e == null) {
            throw new EdgeSslException(
                ErrorCode.FILE_NOT_FOUND, describe(MANIFEST) + " is missing");
          }
          try (InputStream in = zip.getInputStream(e)) {
            json =
                BundleReading.readBounded(
                    in, e.getSize(), Opener.MAX_MANIFEST_BYTES, describe(MANIFEST));
          }
        }
      } else {
        try (InputStream in = Files.newInputStream(path.resolve(MANIFEST))) {
          json = BundleReading.readBounded(in, -1, Opener.MAX_MANIFEST_BYTES, describe(MANIFEST));
        }
      }
    } catch (IOException e) {
      throw io("cannot read " + describe(MANIFEST), e);
    }
    Manifest now =
        ManifestReader.parse(new String(json, StandardCharsets.UTF_8), describe(MANIFEST));
    if (!now.equals(manifest)) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, describe(MANIFEST) + " changed after the bundle was opened");
    }
    return json;
  }

  /**
   * How messages name a file of this bundle: {@code dir/file} or {@code bundle.edgessl!file}.
   *
   * @param file a file name of the bundle
   * @return the file's name for messages
   */
  public String describe(String file) {
    return archive ? path + "!" + file : path.resolve(file).toString();
  }

  /**
   * The bytes of a listed file, checked against its SHA-256 again.
   *
   * @throws IllegalArgumentException when the manifest does not list {@code file}
   * @throws EdgeSslException when it is missing, changed since {@link #open}, or unreadable
   * @param file a file the manifest lists
   * @return the file's contents: a new array the caller owns
   */
  public byte[] read(String file) throws EdgeSslException {
    String expected = manifest.files().get(file);
    if (expected == null) {
      throw new IllegalArgumentException(
          "model bundle "
              + path
              + " lists no file "
              + file
              + "; it lists "
              + manifest.files().keySet());
    }
    Long size = sizes.get(file);
    if (size != null && size > Integer.MAX_VALUE - 8) {
      throw new EdgeSslException(
          ErrorCode.UNAVAILABLE,
          describe(file) + " is " + size + " bytes: over the 2 GB of one array");
    }
    byte[] bytes;
    try {
      if (archive) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
          ZipEntry e = zip.getEntry(file);
          if (e == null) {
            throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, describe(file) + " is missing");
          }
          try (InputStream in = zip.getInputStream(e)) {
            // Bounded: a zip swapped after opening cannot inflate past the size verified then.
            long limit = size != null ? size + 1 : Opener.DEFAULT_MAX_ENTRY_BYTES;
            bytes =
                BundleReading.readBounded(
                    in, -1, Math.min(limit, Integer.MAX_VALUE - 8), describe(file));
          }
        }
      } else {
        bytes = Files.readAllBytes(path.resolve(file));
      }
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, describe(file) + " is missing");
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + describe(file) + ": " + e, e);
    }
    String actual = sha256(bytes);
    if (!actual.equals(expected)) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          describe(file)
              + " changed after the bundle was opened: its SHA-256 is "
              + actual
              + " but "
              + MANIFEST
              + " says "
              + expected);
    }
    return bytes;
  }

  /**
   * The model file of a precision, checked.
   *
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when the bundle has no model of that
   *     precision, or as {@link #read}
   * @param precision the precision
   * @return the model file's contents: a new array the caller owns
   */
  public byte[] model(Precision precision) throws EdgeSslException {
    String file = manifest.precisions().get(precision);
    if (file == null) {
      throw new EdgeSslException(
          ErrorCode.UNAVAILABLE,
          "model bundle " + path + " has no " + precision.id() + " model; it has " + ids(manifest));
    }
    return read(file);
  }

  static String ids(Manifest m) {
    StringBuilder sb = new StringBuilder();
    for (Precision p : m.precisions().keySet()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.id());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ModelBundle[" + path + "]";
  }
}
