package io.edgessl.tools.sign;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.BundleKeys;
import io.edgessl.bundle.BundleSignature;
import io.edgessl.bundle.BundleWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl sign BUNDLE --key KEY}: checks a bundle and signs it in place, atomically (see
 * {@link BundleWriter#sign}).
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Check a model bundle and sign it with an Ed25519 key, in place and atomically.",
      "Quantize and export drop the signature: sign again after them."
    })
public final class SignCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .edgessl file.")
  Path bundle;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "PEM private key (PKCS#8), as edgessl keygen writes it.")
  Path key;

  @Option(
      names = "--public",
      paramLabel = "PUBKEY",
      description = "PEM public key, when KEY does not hold it (an openssl genpkey key).")
  Path publicKey;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    PrivateKey priv = BundleKeys.readPrivateKey(key);
    PublicKey pub =
        publicKey != null
            ? BundleKeys.readPublicKey(publicKey)
            : BundleKeys.readPublicKeyIfPresent(key);
    if (pub == null) {
      throw new IllegalArgumentException(
          key + " holds no PUBLIC KEY block: pass its public key with --public PUBKEY");
    }
    BundleSignature s = BundleWriter.sign(bundle, priv, pub);
    spec.commandLine().getOut().println("signed " + bundle + " with key " + s.keyId());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
