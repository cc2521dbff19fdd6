package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Ed25519 signature of a model bundle, kept in {@value #FILE} beside {@code manifest.json}.
 *
 * <p>What is signed is {@link #signedBytes}: the ASCII bytes of {@value #DOMAIN} followed by the
 * bytes of {@code manifest.json} exactly as the bundle stores them. The manifest lists the SHA-256
 * of every other file, so the signature covers every byte of the bundle; {@link ModelBundle} checks
 * the signature first and then every file's hash, as for an unsigned bundle. Any rewrite that
 * changes a file changes the manifest, so an old signature never verifies again ({@link
 * BundleWriter#update} drops it anyway).
 *
 * <p>{@value #FILE} is a JSON object of four fields:
 *
 * <pre>{@code
 * {
 *   "format_version": 1,
 *   "algorithm": "Ed25519",
 *   "key_id": "<SHA-256 of the signer's X.509 SubjectPublicKeyInfo DER, lower-case hex>",
 *   "signature": "<the 64-byte Ed25519 signature, standard base64 with padding>"
 * }
 * }</pre>
 *
 * <p>The public key itself is not stored: a verifier looks {@code key_id} up among the keys it
 * trusts. Ed25519 is the JDK's own ({@code Signature.getInstance("Ed25519")}, Java 15 and later);
 * where the platform lacks it (Android below API 33, and some Android providers after) the methods
 * that need it throw {@link ErrorCode#UNAVAILABLE} naming the algorithm.
 *
 * @param keyId the SHA-256 of the signer's encoded public key, lower-case hex ({@link
 *     BundleKeys#keyId})
 * @param signature the 64-byte Ed25519 signature of {@link #signedBytes}
 */
public record BundleSignature(String keyId, byte[] signature) {
  /** The file holding the signature, beside {@code manifest.json}. */
  public static final String FILE = "signature.json";

  /** The only algorithm: Ed25519 (RFC 8032), pure, no pre-hash. */
  public static final String ALGORITHM = "Ed25519";

  /** The prefix of the signed bytes, which keeps these signatures from meaning anything else. */
  public static final String DOMAIN = "EdgeSSL bundle signature v1\n";

  /** The largest {@value #FILE} read, in bytes: a signature is about 250. */
  static final int MAX_BYTES = 64 * 1024;

  /**
   * Checks and copies the fields.
   *
   * @throws IllegalArgumentException when {@code keyId} is not 64 lower-case hex digits or {@code
   *     signature} is not 64 bytes
   */
  public BundleSignature {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    if (!keyId.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("key_id is not 64 lower-case hex digits: " + keyId);
    }
    if (signature.length != 64) {
      throw new IllegalArgumentException(
          "an Ed25519 signature is 64 bytes, this one is " + signature.length);
    }
    signature = signature.clone();
  }

  /**
   * The signature's bytes (a copy).
   *
   * @return a new copy of the 64 signature bytes
   */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * The bytes a signature covers: {@value #DOMAIN} in ASCII, then {@code manifestJson} as is.
   *
   * @param manifestJson the bytes of {@code manifest.json} as stored; read, not kept
   * @return a new array: the domain string then the manifest bytes
   */
  public static byte[] signedBytes(byte[] manifestJson) {
    byte[] domain = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[domain.length + manifestJson.length];
    System.arraycopy(domain, 0, out, 0, domain.length);
    System.arraycopy(manifestJson, 0, out, domain.length, manifestJson.length);
    return out;
  }

  /**
   * Signs the bytes of a {@code manifest.json}.
   *
   * @param manifestJson the bytes of {@code manifest.json} as stored; read, not kept
   * @param privateKey the signer's Ed25519 private key
   * @param key the signer's public key, for the key id and to check the signature just made
   * @return the signature, with the key id of {@code key}
   * @throws IllegalArgumentException when the keys are not Ed25519 or not a pair
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when this platform lacks Ed25519
   */
  public static BundleSignature sign(byte[] manifestJson, PrivateKey privateKey, PublicKey key)
      throws EdgeSslException {
    byte[] sig;
    try {
      Signature s = engine();
      s.initSign(privateKey);
      s.update(signedBytes(manifestJson));
      sig = s.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key (" + privateKey.getAlgorithm() + "): " + e.getMessage(), e);
    } catch (SignatureException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
    BundleSignature signature = new BundleSignature(BundleKeys.keyId(key), sig);
    if (!signature.verifies(manifestJson, key)) {
      throw new IllegalArgumentException(
          "the private key and the public key (key id " + signature.keyId() + ") are not a pair");
    }
    return signature;
  }

  /**
   * Whether this signature verifies {@code manifestJson} with {@code key} (whose id should be
   * {@link #keyId}).
   *
   * @param manifestJson the bytes of {@code manifest.json} as stored; read, not kept
   * @param key the public key to check with
   * @return whether the signature verifies over {@code manifestJson} with {@code key}
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when this platform lacks Ed25519
   */
  public boolean verifies(byte[] manifestJson, PublicKey key) throws EdgeSslException {
    try {
      Signature s = engine();
      s.initVerify(key);
      s.update(signedBytes(manifestJson));
      return s.verify(signature);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key (" + key.getAlgorithm() + "): " + e.getMessage(), e);
    } catch (SignatureException e) {
      return false; // a malformed signature (a point not on the curve, say) does not verify
    }
  }

  /**
   * The {@value #FILE} text.
   *
   * @return the JSON text of {@code signature.json}
   */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format_version", 1L);
    m.put("algorithm", ALGORITHM);
    m.put("key_id", keyId);
    m.put("signature", Base64.getEncoder().encodeToString(signature));
    return Json.writePretty(m);
  }

  /**
   * Reads a {@value #FILE}.
   *
   * @param json the bytes of a {@code signature.json}; read, not kept
   * @param source where it was read, for messages
   * @return the parsed signature
   * @throws EdgeSslException {@link ErrorCode#CORRUPT_FILE} naming {@code source} and the field
   *     when it is not such a file; {@link ErrorCode#UNSUPPORTED_VERSION} for another format
   *     version or algorithm
   */
  public static BundleSignature parse(byte[] json, String source) throws EdgeSslException {
    Object parsed;
    try {
      parsed = Json.parse(new String(json, StandardCharsets.UTF_8));
    } catch (Json.ParseException e) {
      throw corrupt(source, "not JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw corrupt(source, "not a JSON object");
    }
    for (Object k : m.keySet()) {
      if (!Map.of("format_version", 0, "algorithm", 0, "key_id", 0, "signature", 0)
          .containsKey(k)) {
        throw corrupt(source, "unknown field '" + k + "'");
      }
    }
    if (!Long.valueOf(1).equals(m.get("format_version"))) {
      throw new EdgeSslException(
          ErrorCode.UNSUPPORTED_VERSION,
          source + ": format_version " + m.get("format_version") + " is not 1");
    }
    if (!ALGORITHM.equals(m.get("algorithm"))) {
      throw new EdgeSslException(
          ErrorCode.UNSUPPORTED_VERSION,
          source + ": algorithm " + m.get("algorithm") + " is not " + ALGORITHM);
    }
    if (!(m.get("key_id") instanceof String id)) {
      throw corrupt(source, "key_id is missing or not a string");
    }
    if (!(m.get("signature") instanceof String sig)) {
      throw corrupt(source, "signature is missing or not a string");
    }
    try {
      return new BundleSignature(id, Base64.getDecoder().decode(sig));
    } catch (IllegalArgumentException e) {
      throw corrupt(source, e.getMessage());
    }
  }

  private static EdgeSslException corrupt(String source, String why) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, source + " is damaged: " + why);
  }

  static Signature engine() throws EdgeSslException {
    try {
      return Signature.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw unavailable(e);
    }
  }

  static EdgeSslException unavailable(GeneralSecurityException e) {
    return new EdgeSslException(
        ErrorCode.UNAVAILABLE,
        "this Java platform has no "
            + ALGORITHM
            + " (Java 15+ has it; Android only from API 33, depending on its provider): "
            + "signed bundles cannot be checked here; install a provider that has it, such as"
            + " Bouncy Castle",
        e);
  }

  /** Equal when the key id and the signature bytes are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof BundleSignature s
        && keyId.equals(s.keyId)
        && java.util.Arrays.equals(signature, s.signature);
  }

  /** A hash of the key id and the signature bytes. */
  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + java.util.Arrays.hashCode(signature);
  }

  /** The algorithm and key id, for messages. */
  @Override
  public String toString() {
    return "BundleSignature[" + ALGORITHM + ", key " + keyId + "]";
  }
}
