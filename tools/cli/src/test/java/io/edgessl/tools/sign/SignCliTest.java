package io.edgessl.tools.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.BundleKeys;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.image.Preprocessing;
import io.edgessl.tools.EdgeSsl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SignCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void keygenSignVerify() throws Exception {
    Path keys = dir.resolve("keys");
    Run r = run("keygen", "--out", keys.toString());
    assertEquals(0, r.code(), r.err());
    Path key = keys.resolve("edgessl-signing.key");
    Path pub = keys.resolve("edgessl-signing.pub");
    String id = BundleKeys.keyId(BundleKeys.readPublicKey(pub));
    assertTrue(r.out().contains("key id   " + id), r.out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    r = run("keygen", "--out", keys.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("exists; keygen never overwrites a key"), r.err());
    assertEquals(0, run("keygen", "--out", keys.toString(), "--name", "other").code());
    Path otherPub = keys.resolve("other.pub");

    for (String name : new String[] {"b", "b.edgessl"}) {
      Path b = dir.resolve(name);
      BundleWriter.write(
          b,
          Manifest.builder()
              .name("test")
              .architecture("vit-test")
              .patchSize(8)
              .preprocessing(Preprocessing.builder(32, 32).build())
              .embedding(3, "embedding", "patch_grid")
              .precision(Precision.FP32, "encoder.fp32.onnx")
              .provenance(new Provenance("random-init", "none", 0, "unknown")),
          Map.of("encoder.fp32.onnx", "x".getBytes(StandardCharsets.US_ASCII)));
      r = run("verify", b.toString(), "--trust", pub.toString());
      assertEquals(1, r.code());
      assertEquals(
          "edgessl: model bundle " + b + " is not signed, and trusted keys are configured\n",
          r.err());
      r = run("sign", b.toString(), "--key", key.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("signed " + b + " with key " + id + "\n", r.out());
      r = run("verify", b.toString(), "--trust", otherPub.toString(), "--trust", pub.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("signed by " + id + "\n", r.out());
      r = run("verify", b.toString(), "--trust", otherPub.toString());
      assertEquals(1, r.code());
      assertTrue(r.err().contains("is signed by key " + id + ", which is not trusted"), r.err());
    }
    // A private key without its public block needs --public.
    Path bare = dir.resolve("bare.key");
    String pem = Files.readString(key);
    Files.writeString(bare, pem.substring(0, pem.indexOf("-----BEGIN PUBLIC KEY")));
    r = run("sign", dir.resolve("b").toString(), "--key", bare.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("pass its public key with --public PUBKEY"), r.err());
    r =
        run(
            "sign",
            dir.resolve("b").toString(),
            "--key",
            bare.toString(),
            "--public",
            pub.toString());
    assertEquals(0, r.code(), r.err());
  }
}
