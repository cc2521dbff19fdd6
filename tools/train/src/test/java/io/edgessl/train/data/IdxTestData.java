package io.edgessl.train.data;

import java.io.IOException;
import java.nio.file.Path;

/** Tiny IDX datasets for tests outside this package. */
public final class IdxTestData {
  private IdxTestData() {}

  /** Writes a 2-image Fashion-MNIST-shaped dataset (train = test) into {@code dir}. */
  public static void write(Path dir) throws IOException {
    IdxTest.tinyDataset(dir, false);
  }
}
