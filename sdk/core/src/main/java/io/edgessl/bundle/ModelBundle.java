package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
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

  private ModelBundle(Path path, boolean archive, Manifest manifest, Map<String, Long> sizes) {
    this.path = path;
    this.archive = archive;
    this.manifest = manifest;
    this.sizes = Collections.unmodifiableMap(sizes);
  }

  /**
   * Opens and verifies a bundle: a directory, or a zip file.
   *
   * @throws EdgeSslException {@link ErrorCode#FILE_NOT_FOUND} when the bundle, its manifest or a
   *     file it lists is missing; {@link ErrorCode#UNSUPPORTED_VERSION} for a manifest of another
   *     format version; {@link ErrorCode#CORRUPT_FILE} for a bad manifest, a hash mismatch or an
   *     unlisted file; {@link ErrorCode#IO} when reading fails
   * @param path a bundle directory, or a zip file (usually {@code .edgessl})
   * @return the opened bundle; it holds no open file or memory beyond its manifest
   */
  public static ModelBundle open(Path path) throws EdgeSslException {
    if (Files.isDirectory(path)) {
      return openDirectory(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "model bundle not found: " + path);
    }
    return openZip(path);
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
    return new ModelBundle(file.getParent(), false, m, sizes);
  }

  private static ModelBundle openDirectory(Path dir) throws EdgeSslException {
    Path mf = dir.resolve(MANIFEST);
    String json;
    try {
      json = Files.readString(mf, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "model bundle " + dir + " has no " + MANIFEST);
    } catch (IOException e) {
      throw io("cannot read " + mf, e);
    }
    Manifest m = ManifestReader.parse(json, mf.toString());
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : m.files().entrySet()) {
      Path p = dir.resolve(f.getKey());
      try (InputStream in = Files.newInputStream(p)) {
        sizes.put(f.getKey(), verify(in, f.getValue(), p.toString()));
      } catch (NoSuchFileException e) {
        throw new EdgeSslException(
            ErrorCode.FILE_NOT_FOUND, p + " is listed in " + MANIFEST + " but missing");
      } catch (IOException e) {
        throw io("cannot read " + p, e);
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.equals(MANIFEST) && !n.startsWith(".") && !m.files().containsKey(n)) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + dir + " holds " + n + ", which " + MANIFEST + " does not list");
        }
      }
    } catch (IOException e) {
      throw io("cannot list " + dir, e);
    }
    return new ModelBundle(dir, false, m, sizes);
  }

  private static ModelBundle openZip(Path file) throws EdgeSslException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry mfe = zip.getEntry(MANIFEST);
      if (mfe == null) {
        throw new EdgeSslException(
            ErrorCode.FILE_NOT_FOUND, "model bundle " + file + " has no " + MANIFEST);
      }
      String json;
      try (InputStream in = zip.getInputStream(mfe)) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Manifest m = ManifestReader.parse(json, file + "!" + MANIFEST);
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        String n = entries.nextElement().getName();
        if (!n.equals(MANIFEST) && !m.files().containsKey(n)) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + file + " holds " + n + ", which " + MANIFEST + " does not list");
        }
      }
      Map<String, Long> sizes = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : m.files().entrySet()) {
        ZipEntry e = zip.getEntry(f.getKey());
        if (e == null) {
          throw new EdgeSslException(
              ErrorCode.FILE_NOT_FOUND,
              file + "!" + f.getKey() + " is listed in " + MANIFEST + " but missing");
        }
        try (InputStream in = zip.getInputStream(e)) {
          sizes.put(f.getKey(), verify(in, f.getValue(), file + "!" + f.getKey()));
        }
      }
      return new ModelBundle(file, true, m, sizes);
    } catch (ZipException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + " is neither a bundle directory nor a readable zip: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw io("cannot read " + file, e);
    }
  }

  /** Hashes a stream and compares; returns its length. */
  private static long verify(InputStream in, String expected, String what)
      throws IOException, EdgeSslException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      md.update(buf, 0, r);
      n += r;
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (!actual.equals(expected)) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          what
              + " is damaged or was changed: its SHA-256 is "
              + actual
              + " but "
              + MANIFEST
              + " says "
              + expected);
    }
    return n;
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static EdgeSslException io(String what, IOException e) {
    return new EdgeSslException(ErrorCode.IO, what + ": " + e, e);
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
            bytes = in.readAllBytes();
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
