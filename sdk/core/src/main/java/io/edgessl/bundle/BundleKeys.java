package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for signing model bundles ({@link BundleSignature}), in PEM: a public key is an
 * X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), a private key PKCS#8 ({@code
 * -----BEGIN PRIVATE KEY-----}, unencrypted), the encodings the JDK and OpenSSL ({@code openssl
 * genpkey -algorithm ed25519}) both use. A private key file may hold the public key's block too
 * ({@code edgessl keygen} writes both, because PKCS#8 v1 does not carry the public key).
 *
 * {@snippet :
 * PublicKey trusted = BundleKeys.readPublicKey(Path.of("/etc/edgessl/release.pub"));
 * ModelBundle bundle = ModelBundle.opener().trust(trusted).open(Path.of("vit-tiny.edgessl"));
 * }
 */
public final class BundleKeys {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private BundleKeys() {}

  /**
   * A new Ed25519 key pair from the platform's strong random source.
   *
   * @return a new Ed25519 key pair
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when this platform lacks Ed25519
   */
  public static KeyPair generate() throws EdgeSslException {
    try {
      return KeyPairGenerator.getInstance(BundleSignature.ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw BundleSignature.unavailable(e);
    }
  }

  /**
   * A key's id: the SHA-256 of its encoded form (X.509 SubjectPublicKeyInfo), lower-case hex.
   *
   * @param key an Ed25519 public key
   * @return 64 lower-case hex digits
   */
  public static String keyId(PublicKey key) {
    return ModelBundle.sha256(key.getEncoded());
  }

  /**
   * The PEM text of a public key: X.509 SubjectPublicKeyInfo, {@code PUBLIC KEY}.
   *
   * @param key the public key
   * @return PEM text, {@code -----BEGIN PUBLIC KEY-----} to its end line
   */
  public static String toPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /**
   * The PEM text of a private key: PKCS#8, {@code PRIVATE KEY}, unencrypted.
   *
   * @param key the private key
   * @return PEM text, {@code -----BEGIN PRIVATE KEY-----} to its end line
   */
  public static String toPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /**
   * Reads the {@code PUBLIC KEY} block of a PEM file.
   *
   * @param file a PEM file holding a {@code PUBLIC KEY} block
   * @return the public key
   * @throws EdgeSslException {@link ErrorCode#FILE_NOT_FOUND}, {@link ErrorCode#IO}, {@link
   *     ErrorCode#CORRUPT_FILE} when the file has no such block or it is not an Ed25519 key, {@link
   *     ErrorCode#UNAVAILABLE} when this platform lacks Ed25519
   */
  public static PublicKey readPublicKey(Path file) throws EdgeSslException {
    byte[] der = block(read(file), "PUBLIC KEY", file.toString());
    if (der == null) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + " holds no -----BEGIN PUBLIC KEY----- block");
    }
    return publicKey(der, file.toString());
  }

  /**
   * Reads the {@code PRIVATE KEY} block of a PEM file.
   *
   * @param file a PEM file holding a {@code PRIVATE KEY} block (PKCS#8)
   * @return the private key
   * @throws EdgeSslException as {@link #readPublicKey}
   */
  public static PrivateKey readPrivateKey(Path file) throws EdgeSslException {
    byte[] der = block(read(file), "PRIVATE KEY", file.toString());
    if (der == null) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + " holds no -----BEGIN PRIVATE KEY----- block (unencrypted PKCS#8)");
    }
    try {
      return factory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + " is not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /**
   * The public key in a private key file ({@code edgessl keygen} writes it there), if any.
   *
   * @param file a PEM file
   * @return null when the file has no {@code PUBLIC KEY} block
   * @throws EdgeSslException as {@link #readPublicKey}
   */
  public static PublicKey readPublicKeyIfPresent(Path file) throws EdgeSslException {
    byte[] der = block(read(file), "PUBLIC KEY", file.toString());
    return der == null ? null : publicKey(der, file.toString());
  }

  private static PublicKey publicKey(byte[] der, String source) throws EdgeSslException {
    try {
      return factory().generatePublic(new X509EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, source + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  private static KeyFactory factory() throws EdgeSslException {
    try {
      return KeyFactory.getInstance(BundleSignature.ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw BundleSignature.unavailable(e);
    }
  }

  private static String read(Path file) throws EdgeSslException {
    try {
      if (Files.size(file) > 64 * 1024) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE, file + " is too large to be a PEM key file");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "key file not found: " + file);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e, e);
    }
  }

  private static byte[] block(String text, String type, String source) throws EdgeSslException {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          return Base64.getMimeDecoder().decode(m.group(2).strip());
        } catch (IllegalArgumentException e) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE, source + ": bad base64 in the " + type + " block");
        }
      }
    }
    return null;
  }
}
