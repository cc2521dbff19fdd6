package io.edgessl.tools.sign;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl keygen --out DIR}: writes a new Ed25519 key pair for signing bundles: {@code
 * NAME.key} (PKCS#8 private key and the public key, mode 0600) and {@code NAME.pub} (the public
 * key, X.509 SubjectPublicKeyInfo), each atomically; it never overwrites a key.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Make an Ed25519 key pair for signing model bundles: DIR/NAME.key (private, mode 0600)"
          + " and DIR/NAME.pub (public, to give to devices). Never overwrites a key."
    })
public final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
  Path out;

  @Option(
      names = "--name",
      defaultValue = "edgessl-signing",
      description = "Base name of the key files (default: ${DEFAULT-VALUE}).")
  String name;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    Path key = out.resolve(name + ".key");
    Path pub = out.resolve(name + ".pub");
    for (Path p : new Path[] {key, pub}) {
      if (Files.exists(p)) {
        throw new EdgeSslException(
            ErrorCode.IO, p + " exists; keygen never overwrites a key (remove it, or --name)");
      }
    }
    KeyPair pair = BundleKeys.generate();
    String pubPem = BundleKeys.toPem(pair.getPublic());
    try {
      Files.createDirectories(out);
      write(key, BundleKeys.toPem(pair.getPrivate()) + pubPem, true);
      write(pub, pubPem, false);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write keys to " + out + ": " + e, e);
    }
    var o = spec.commandLine().getOut();
    o.println("key id   " + BundleKeys.keyId(pair.getPublic()));
    o.println("private  " + key + "  (keep secret: sign with it, never ship it)");
    o.println("public   " + pub + "  (give to devices: --trust, ModelBundle.opener().trust)");
    o.flush();
    return 0;
  }

  /**
   * Writes a file atomically: a temporary file, created private where POSIX allows it, then a
   * rename that fails if the target appeared meanwhile.
   */
  private static void write(Path target, String text, boolean secret) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                "." + target.getFileName() + ".",
                ".tmp",
                PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")))
            : Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
