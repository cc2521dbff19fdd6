package io.edgessl.tools;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgessl.train.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;

/** Installed datasets for tests: skipped where absent, unless the build requires them. */
public final class TestData {
  private TestData() {}

  /**
   * The Fashion-MNIST directory. When it is missing the test is skipped, or fails if the build runs
   * with {@code -Dedgessl.requireData=true} (scripts/test does, after installing the data).
   */
  public static Path fashionMnist() {
    Path dir = FashionMnist.DEBIAN_DIR;
    boolean present =
        Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
            || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"));
    if (!present && Boolean.getBoolean("edgessl.requireData")) {
      throw new AssertionError(
          dir
              + " is missing but the build requires it: sudo apt-get install dataset-fashion-mnist");
    }
    assumeTrue(
        present,
        "Fashion-MNIST not installed at " + dir + " (apt-get install dataset-fashion-mnist)");
    return dir;
  }
}
