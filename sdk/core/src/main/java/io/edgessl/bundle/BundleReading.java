package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.ModelBundle.Opener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * How {@link ModelBundle.Opener} reads a bundle: a directory or a zip, every listed file hashed,
 * the zip held to the opener's limits, the signature checked first when keys are trusted.
 */
final class BundleReading {
  private static final String MANIFEST = ModelBundle.MANIFEST;

  private BundleReading() {}

  static ModelBundle openDirectory(Path dir, Opener o) throws EdgeSslException {
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
      throw ModelBundle.io("cannot read " + mf, e);
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
        throw ModelBundle.io("cannot read " + sf, e);
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
        throw ModelBundle.io("cannot read " + p, e);
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
      throw ModelBundle.io("cannot list " + dir, e);
    }
    return new ModelBundle(dir, false, m, sizes, signer);
  }

  /** The manifest and the signature: the files a bundle holds that the manifest does not list. */
  static boolean isOwn(String name) {
    return name.equals(MANIFEST) || name.equals(BundleSignature.FILE);
  }

  /** Refuses a symbolic link: a bundle holds its own files, it does not point elsewhere. */
  static void refuseLink(Path p) throws EdgeSslException {
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
  static String checkSignature(
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
  static String unsafe(String name) {
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

  static ModelBundle openZip(Path file, Opener o) throws EdgeSslException {
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
      throw ModelBundle.io("cannot read " + file, e);
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
      throw ModelBundle.io("cannot read " + file, e);
    }
  }

  /**
   * Reads a whole stream of at most {@code limit} bytes and, when {@code declared >= 0}, at most
   * {@code declared}.
   */
  static byte[] readBounded(InputStream in, long declared, long limit, String what)
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

  static void check(long n, long declared, long limit, String what) throws EdgeSslException {
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
  static long verify(InputStream in, String expected, String what, long declared, long limit)
      throws IOException, EdgeSslException {
    MessageDigest md = ModelBundle.sha256();
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
}
