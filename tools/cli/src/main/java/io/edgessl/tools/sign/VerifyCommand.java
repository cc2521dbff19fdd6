package io.edgessl.tools.sign;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.BundleKeys;
import io.edgessl.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl verify BUNDLE --trust PUBKEY...}: opens a bundle as a device configured with those
 * keys would; exit 0 and "signed by KEY-ID", or exit 1 with the reason.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a model bundle's signature against trusted public keys, and every file's SHA-256.",
      "Exit 0 and 'signed by <key id>', or exit 1 with the reason."
    })
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .edgessl file.")
  Path bundle;

  @Option(
      names = "--trust",
      required = true,
      paramLabel = "PUBKEY",
      description = "PEM public key to trust; repeatable.")
  List<Path> trust;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    ModelBundle.Opener opener = ModelBundle.opener();
    for (Path p : trust) {
      opener.trust(BundleKeys.readPublicKey(p));
    }
    ModelBundle b = opener.open(bundle);
    spec.commandLine().getOut().println("signed by " + b.signerKeyId().orElseThrow());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
