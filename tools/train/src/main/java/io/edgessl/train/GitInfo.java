package io.edgessl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The git commit of the checkout a run starts from (for provenance), or "unknown". */
public final class GitInfo {
  private GitInfo() {}

  /** {@code <sha>} or {@code <sha>-dirty}, from the working directory's repository. */
  public static String commit() {
    String sha = git("rev-parse", "HEAD");
    if (sha == null) {
      return "unknown";
    }
    String status = git("status", "--porcelain", "--untracked-files=no");
    return status != null && !status.isBlank() ? sha + "-dirty" : sha;
  }

  private static String git(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(Path.of("").toAbsolutePath().toFile())
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
