package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
  private final String signer;

  private ModelBundle(
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
   * opener().open(path)}.
   *
   * @throws EdgeSslException {@link ErrorCode#FILE_NOT_FOUND} when the bundle, its manifest or a
   *     file it lists is missing; {@link ErrorCode#UNSUPPORTED_VERSION} for a manifest of another
   *     format version; {@link ErrorCode#CORRUPT_FILE} for a bad manifest, a hash mismatch, an
   *     unlisted file, a symbolic link or a zip over a limit; {@link ErrorCode#IO} when reading
   *     fails
   */
  public static ModelBundle open(Path path) throws EdgeSslException {
    return opener().open(path);
  }

  /**
   * An opener with no trusted keys and the default limits, to configure: {@code
   * ModelBundle.opener().trust(key).open(path)}.
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

    private final Map<String, PublicKey> trusted = new LinkedHashMap<>();
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;

    private Opener() {}

    /**
     * Trusts Ed25519 public keys ({@link BundleKeys#readPublicKey}): bundles must then be signed by
     * one of them.
     *
     * @return this opener
     */
    public Opener trust(PublicKey... keys) {
      return trust(Arrays.asList(keys));
    }

    /**
     * Trusts Ed25519 public keys, as {@link #trust(PublicKey...)}.
     *
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
     * @throws EdgeSslException as {@link ModelBundle#open}; {@link ErrorCode#UNTRUSTED} when keys
     *     are trusted and the bundle is not signed, its signature does not verify, or its signer is
     *     not trusted; {@link ErrorCode#CORRUPT_FILE} for a damaged {@code signature.json}; {@link
     *     ErrorCode#UNAVAILABLE} when keys are trusted and this platform lacks Ed25519
     */
    public ModelBundle open(Path path) throws EdgeSslException {
      if (Files.isDirectory(path)) {
        return openDirectory(path, this);
      }
      if (!Files.isRegularFile(path)) {
        throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "model bundle not found: " + path);
      }
      return openZip(path, this);
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

  private static ModelBundle openDirectory(Path dir, Opener o) throws EdgeSslException {
    Path mf = dir.resolve(MANIFEST);
    byte[] json;
    try {
      refuseLink(mf);
      try (InputStream in = Files.newInputStream(mf)) {
        json = readBounded(in, -1, Opener.MAX_MANIFEST_BYTES, mf.toString());
      }
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "model bundle " + dir + " has no " + MANIFEST);
    } catch (IOException e) {
      throw io("cannot read " + mf, e);
    }
    String signer = null;
    if (!o.trusted.isEmpty()) {
      Path sf = dir.resolve(BundleSignature.FILE);
      byte[] sig = null;
      try {
        refuseLink(sf);
        try (InputStream in = Files.newInputStream(sf)) {
          sig = readBounded(in, -1, BundleSignature.MAX_BYTES, sf.toString());
        }
      } catch (NoSuchFileException e) {
        // not signed: checkSignature says so
      } catch (IOException e) {
        throw io("cannot read " + sf, e);
      }
      signer = checkSignature(dir, json, sig, sf.toString(), o.trusted);
    }
    Manifest m = ManifestReader.parse(new String(json, StandardCharsets.UTF_8), mf.toString());
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : m.files().entrySet()) {
      Path p = dir.resolve(f.getKey());
      try {
        refuseLink(p);
        try (InputStream in = Files.newInputStream(p)) {
          sizes.put(f.getKey(), verify(in, f.getValue(), p.toString(), -1, Long.MAX_VALUE));
        }
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
        if (!isOwn(n) && !n.startsWith(".") && !m.files().containsKey(n)) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + dir + " holds " + n + ", which " + MANIFEST + " does not list");
        }
      }
    } catch (IOException e) {
      throw io("cannot list " + dir, e);
    }
    return new ModelBundle(dir, false, m, sizes, signer);
  }

  /** The manifest and the signature: the files a bundle holds that the manifest does not list. */
  private static boolean isOwn(String name) {
    return name.equals(MANIFEST) || name.equals(BundleSignature.FILE);
  }

  /** Refuses a symbolic link: a bundle holds its own files, it does not point elsewhere. */
  private static void refuseLink(Path p) throws EdgeSslException {
    if (Files.isSymbolicLink(p)) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          p + " is a symbolic link; a model bundle must hold its files, not link to them");
    }
  }

  /**
   * Checks a signature against the trusted keys; returns the signer's key id.
   *
   * @param sig the bytes of {@code signature.json}, or null when there is none
   */
  private static String checkSignature(
      Path bundle, byte[] manifest, byte[] sig, String source, Map<String, PublicKey> trusted)
      throws EdgeSslException {
    if (sig == null) {
      throw new EdgeSslException(
          ErrorCode.UNTRUSTED,
          "model bundle " + bundle + " is not signed, and trusted keys are configured");
    }
    BundleSignature s = BundleSignature.parse(sig, source);
    PublicKey key = trusted.get(s.keyId());
    if (key == null) {
      throw new EdgeSslException(
          ErrorCode.UNTRUSTED,
          "model bundle "
              + bundle
              + " is signed by key "
              + s.keyId()
              + ", which is not trusted (trusted: "
              + String.join(", ", trusted.keySet())
              + ")");
    }
    if (!s.verifies(manifest, key)) {
      throw new EdgeSslException(
          ErrorCode.UNTRUSTED,
          "model bundle "
              + bundle
              + ": signature does not verify with key "
              + s.keyId()
              + " ("
              + MANIFEST
              + " was changed after signing, or "
              + BundleSignature.FILE
              + " is damaged)");
    }
    return s.keyId();
  }

  /** Why a zip entry's name is refused, or null: absolute, a drive, backslashes or {@code ..}. */
  private static String unsafe(String name) {
    if (name.isEmpty()) {
      return "an empty name";
    }
    if (name.startsWith("/") || name.contains("\\") || name.matches("[A-Za-z]:.*")) {
      return "an absolute path";
    }
    for (String seg : name.split("/", -1)) {
      if (seg.equals("..")) {
        return "a '..' segment";
      }
    }
    return null;
  }

  private static ModelBundle openZip(Path file, Opener o) throws EdgeSslException {
    Set<String> names = new HashSet<>();
    try {
      for (ZipDirectory.Entry e : ZipDirectory.read(file, o.maxEntries)) {
        String why = unsafe(e.name());
        if (why != null) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + file + " holds an entry named '" + e.name() + "': " + why);
        }
        if (e.symlink()) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              file + "!" + e.name() + " is a symbolic link; a model bundle must hold its files");
        }
        if (!names.add(e.name())) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + file + " holds two entries named " + e.name());
        }
      }
    } catch (IOException e) {
      throw io("cannot read " + file, e);
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() != names.size()) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE,
            file + " is neither a bundle directory nor a readable zip: its entry counts disagree");
      }
      ZipEntry mfe = zip.getEntry(MANIFEST);
      if (mfe == null) {
        throw new EdgeSslException(
            ErrorCode.FILE_NOT_FOUND, "model bundle " + file + " has no " + MANIFEST);
      }
      byte[] json;
      try (InputStream in = zip.getInputStream(mfe)) {
        json = readBounded(in, mfe.getSize(), Opener.MAX_MANIFEST_BYTES, file + "!" + MANIFEST);
      }
      String signer = null;
      if (!o.trusted.isEmpty()) {
        ZipEntry se = zip.getEntry(BundleSignature.FILE);
        byte[] sig = null;
        String source = file + "!" + BundleSignature.FILE;
        if (se != null) {
          try (InputStream in = zip.getInputStream(se)) {
            sig = readBounded(in, se.getSize(), BundleSignature.MAX_BYTES, source);
          }
        }
        signer = checkSignature(file, json, sig, source, o.trusted);
      }
      Manifest m =
          ManifestReader.parse(new String(json, StandardCharsets.UTF_8), file + "!" + MANIFEST);
      long declared = 0;
      for (String n : names) {
        if (!isOwn(n) && !m.files().containsKey(n)) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle " + file + " holds " + n + ", which " + MANIFEST + " does not list");
        }
        long size = zip.getEntry(n).getSize();
        if (size > o.maxEntryBytes) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              file
                  + "!"
                  + n
                  + " declares "
                  + size
                  + " bytes, over the limit of "
                  + o.maxEntryBytes
                  + " bytes per entry");
        }
        declared += Math.max(0, size);
      }
      if (declared > o.maxTotalBytes) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE,
            "model bundle "
                + file
                + " declares "
                + declared
                + " bytes in all, over the limit of "
                + o.maxTotalBytes);
      }
      Map<String, Long> sizes = new LinkedHashMap<>();
      long total = 0;
      for (Map.Entry<String, String> f : m.files().entrySet()) {
        ZipEntry e = zip.getEntry(f.getKey());
        if (e == null) {
          throw new EdgeSslException(
              ErrorCode.FILE_NOT_FOUND,
              file + "!" + f.getKey() + " is listed in " + MANIFEST + " but missing");
        }
        long n;
        try (InputStream in = zip.getInputStream(e)) {
          n = verify(in, f.getValue(), file + "!" + f.getKey(), e.getSize(), o.maxEntryBytes);
        }
        total += n;
        if (total > o.maxTotalBytes) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              "model bundle "
                  + file
                  + " inflates to more than "
                  + o.maxTotalBytes
                  + " bytes in all, the limit");
        }
        sizes.put(f.getKey(), n);
      }
      return new ModelBundle(file, true, m, sizes, signer);
    } catch (ZipException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + " is neither a bundle directory nor a readable zip: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw io("cannot read " + file, e);
    }
  }

  /**
   * Reads a whole stream of at most {@code limit} bytes and, when {@code declared >= 0}, at most
   * {@code declared}.
   */
  private static byte[] readBounded(InputStream in, long declared, long limit, String what)
      throws IOException, EdgeSslException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 14];
    long n = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      n += r;
      check(n, declared, limit, what);
      out.write(buf, 0, r);
    }
    return out.toByteArray();
  }

  private static void check(long n, long declared, long limit, String what)
      throws EdgeSslException {
    if (declared >= 0 && n > declared) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          what + " inflates to more than the " + declared + " bytes it declares");
    }
    if (n > limit) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, what + " is over the limit of " + limit + " bytes");
    }
  }

  /**
   * Hashes a stream and compares; returns its length. Refuses more than {@code declared} bytes
   * (when {@code >= 0}) or {@code limit}.
   */
  private static long verify(
      InputStream in, String expected, String what, long declared, long limit)
      throws IOException, EdgeSslException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      n += r;
      check(n, declared, limit, what);
      md.update(buf, 0, r);
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

  /** The SHA-256 of {@code bytes}, lower-case hex. */
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
   * The id ({@link BundleKeys#keyId}) of the trusted key whose signature was verified when the
   * bundle was opened; empty when it was opened with no trusted keys.
   */
  public Optional<String> signerKeyId() {
    return Optional.ofNullable(signer);
  }

  /** Where the bundle is. */
  public Path path() {
    return path;
  }

  /** Whether the bundle is a zip file (else a directory). */
  public boolean isArchive() {
    return archive;
  }

  /** The verified manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /** Size in bytes of each listed file, as verified. */
  public Map<String, Long> sizes() {
    return sizes;
  }

  /**
   * The bytes of {@code manifest.json} as stored now, checked to say what {@link #manifest} says
   * (for signing: the bytes signed are the bytes a verifier reads).
   *
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
            json = readBounded(in, e.getSize(), Opener.MAX_MANIFEST_BYTES, describe(MANIFEST));
          }
        }
      } else {
        try (InputStream in = Files.newInputStream(path.resolve(MANIFEST))) {
          json = readBounded(in, -1, Opener.MAX_MANIFEST_BYTES, describe(MANIFEST));
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

  /** How messages name a file of this bundle: {@code dir/file} or {@code bundle.edgessl!file}. */
  public String describe(String file) {
    return archive ? path + "!" + file : path.resolve(file).toString();
  }

  /**
   * The bytes of a listed file, checked against its SHA-256 again.
   *
   * @throws IllegalArgumentException when the manifest does not list {@code file}
   * @throws EdgeSslException when it is missing, changed since {@link #open}, or unreadable
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
            bytes = readBounded(in, -1, Math.min(limit, Integer.MAX_VALUE - 8), describe(file));
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
