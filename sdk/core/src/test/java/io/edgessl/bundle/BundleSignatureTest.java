package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.testing.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleSignatureTest {
  @TempDir Path dir;

  static final byte[] MODEL = "not really onnx".getBytes(StandardCharsets.US_ASCII);
  static final KeyPair KEY = keys();
  static final KeyPair OTHER = keys();

  private static KeyPair keys() {
    try {
      return BundleKeys.generate();
    } catch (EdgeSslException e) {
      throw new AssertionError(e);
    }
  }

  private Path bundle(String name) throws Exception {
    Path b = dir.resolve(name);
    BundleWriter.write(b, TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    return b;
  }

  private Path signed(String name) throws Exception {
    Path b = bundle(name);
    BundleWriter.sign(b, KEY.getPrivate(), KEY.getPublic());
    return b;
  }

  private static EdgeSslException refused(Path b, KeyPair... trusted) {
    ModelBundle.Opener o = ModelBundle.opener();
    for (KeyPair k : trusted) {
      o.trust(k.getPublic());
    }
    return assertThrows(EdgeSslException.class, () -> o.open(b));
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "b.edgessl"})
  void signsAndVerifies(String name) throws Exception {
    Path b = signed(name);
    String id = BundleKeys.keyId(KEY.getPublic());
    ModelBundle opened = ModelBundle.opener().trust(OTHER.getPublic(), KEY.getPublic()).open(b);
    assertEquals(Optional.of(id), opened.signerKeyId());
    assertArrayEquals(MODEL, opened.model(Precision.FP32));
    // Unsigned use is unchanged: the signature is an extra file the plain open accepts.
    assertEquals(Optional.empty(), ModelBundle.open(b).signerKeyId());
    // Signing again replaces the signature; no temporary file is left behind.
    BundleWriter.sign(b, OTHER.getPrivate(), OTHER.getPublic());
    assertEquals(
        Optional.of(BundleKeys.keyId(OTHER.getPublic())),
        ModelBundle.opener().trust(OTHER.getPublic()).open(b).signerKeyId());
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void signedBytesAreTheDomainThenTheManifestAsStored() throws Exception {
    Path b = signed("b");
    byte[] manifest = Files.readAllBytes(b.resolve("manifest.json"));
    BundleSignature s =
        BundleSignature.parse(Files.readAllBytes(b.resolve("signature.json")), "signature.json");
    java.security.Signature v = java.security.Signature.getInstance("Ed25519");
    v.initVerify(KEY.getPublic());
    v.update("EdgeSSL bundle signature v1\n".getBytes(StandardCharsets.US_ASCII));
    v.update(manifest);
    assertTrue(v.verify(s.signature()));
    assertEquals(ModelBundle.sha256(KEY.getPublic().getEncoded()), s.keyId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "b.edgessl"})
  void unsignedIsRefusedWhenKeysAreTrusted(String name) throws Exception {
    Path b = bundle(name);
    EdgeSslException e = refused(b, KEY);
    assertEquals(ErrorCode.UNTRUSTED, e.code());
    assertEquals(
        "model bundle " + b + " is not signed, and trusted keys are configured", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "b.edgessl"})
  void signedByAnotherKeyIsRefused(String name) throws Exception {
    Path b = signed(name);
    EdgeSslException e = refused(b, OTHER);
    assertEquals(ErrorCode.UNTRUSTED, e.code());
    assertEquals(
        "model bundle "
            + b
            + " is signed by key "
            + BundleKeys.keyId(KEY.getPublic())
            + ", which is not trusted (trusted: "
            + BundleKeys.keyId(OTHER.getPublic())
            + ")",
        e.getMessage());
  }

  @Test
  void aTamperedManifestIsRefusedBeforeItIsParsed() throws Exception {
    Path b = signed("b");
    Path mf = b.resolve("manifest.json");
    Files.writeString(mf, Files.readString(mf).replace("\"patch_size\": 8", "\"patch_size\": 4"));
    EdgeSslException e = refused(b, KEY);
    assertEquals(ErrorCode.UNTRUSTED, e.code());
    assertTrue(
        e.getMessage()
            .startsWith(
                "model bundle "
                    + b
                    + ": signature does not verify with key "
                    + BundleKeys.keyId(KEY.getPublic())),
        e.getMessage());
    // Garbage that would not even parse is refused the same way: the parser never sees it.
    Files.writeString(mf, "{ not json");
    assertTrue(refused(b, KEY).getMessage().contains("signature does not verify"));
  }

  @Test
  void aTamperedModelIsCaughtByItsHash() throws Exception {
    Path b = signed("b");
    Files.write(b.resolve("encoder.fp32.onnx"), "tampered".getBytes(StandardCharsets.US_ASCII));
    EdgeSslException e = refused(b, KEY);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(
        e.getMessage().contains("is damaged or was changed: its SHA-256 is"), e.getMessage());
  }

  @Test
  void aCorruptedSignatureIsRefused() throws Exception {
    Path b = signed("b");
    Path sf = b.resolve("signature.json");
    String good = Files.readString(sf);
    Files.writeString(sf, "{");
    EdgeSslException e = refused(b, KEY);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith(sf + " is damaged: not JSON"), e.getMessage());

    // A flipped bit in the signature itself.
    BundleSignature s = BundleSignature.parse(good.getBytes(StandardCharsets.UTF_8), "s");
    byte[] bad = s.signature();
    bad[10] ^= 1;
    Files.writeString(sf, new BundleSignature(s.keyId(), bad).toJson());
    e = refused(b, KEY);
    assertEquals(ErrorCode.UNTRUSTED, e.code());
    assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());

    Files.writeString(sf, good.replace("\"Ed25519\"", "\"RSA\""));
    e = refused(b, KEY);
    assertEquals(sf + ": algorithm RSA is not Ed25519", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "b.edgessl"})
  void anUpdateDropsTheSignatureAndAStaleOneNeverVerifies(String name) throws Exception {
    Path b = signed(name);
    byte[] stale = readSignature(b);
    ModelBundle opened = ModelBundle.open(b);
    BundleWriter.update(
        opened,
        opened.manifest().toBuilder().precision(Precision.INT8, "encoder.int8.onnx"),
        Map.of("encoder.int8.onnx", "int8".getBytes(StandardCharsets.US_ASCII)));
    EdgeSslException e = refused(b, KEY);
    assertTrue(e.getMessage().endsWith("is not signed, and trusted keys are configured"));
    if (!name.endsWith(".edgessl")) {
      // Someone copies the old signature back: it covers the old manifest, not this one.
      Files.write(b.resolve("signature.json"), stale);
      e = refused(b, KEY);
      assertEquals(ErrorCode.UNTRUSTED, e.code());
      assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }
  }

  private static byte[] readSignature(Path b) throws Exception {
    if (Files.isDirectory(b)) {
      return Files.readAllBytes(b.resolve("signature.json"));
    }
    try (var z = new java.util.zip.ZipFile(b.toFile())) {
      return z.getInputStream(z.getEntry("signature.json")).readAllBytes();
    }
  }

  @Test
  void keysRoundTripThroughPem() throws Exception {
    Path pub = dir.resolve("k.pub");
    Path key = dir.resolve("k.key");
    Files.writeString(pub, BundleKeys.toPem(KEY.getPublic()));
    Files.writeString(key, BundleKeys.toPem(KEY.getPrivate()));
    assertEquals(KEY.getPublic(), BundleKeys.readPublicKey(pub));
    assertArrayEquals(KEY.getPrivate().getEncoded(), BundleKeys.readPrivateKey(key).getEncoded());
    assertEquals(null, BundleKeys.readPublicKeyIfPresent(key));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> BundleKeys.readPublicKey(key));
    assertEquals(key + " holds no -----BEGIN PUBLIC KEY----- block", e.getMessage());
    // A mismatched pair is refused when signing, before anything is written.
    Path b = bundle("b");
    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class,
            () -> BundleWriter.sign(b, KEY.getPrivate(), OTHER.getPublic()));
    assertTrue(x.getMessage().endsWith("are not a pair"), x.getMessage());
    assertFalse(Files.exists(b.resolve("signature.json")));
  }

  @Test
  void signatureJsonCannotBeAListedFile() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BundleWriter.write(
                    dir.resolve("x"), TestBundles.manifest(), Map.of("signature.json", MODEL)));
    assertTrue(e.getMessage().contains("'signature.json'"), e.getMessage());
  }
}
