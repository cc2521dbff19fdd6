package io.edgessl.train.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PyTorch export fixtures of {@code scripts/python/make_import_fixtures.py} (test resources
 * under {@code import-fixtures/}), copied to files for the importer, which reads paths.
 */
public final class ImportFixtures {
  private ImportFixtures() {}

  /** Copies fixture {@code file} (e.g. {@code dino_vits16.onnx}) into a new temporary folder. */
  public static Path fixture(String file) throws IOException {
    try (InputStream in = ImportFixtures.class.getResourceAsStream("/import-fixtures/" + file)) {
      if (in == null) {
        throw new IOException("missing fixture " + file);
      }
      Path dir = Files.createTempDirectory("import-fixture");
      dir.toFile().deleteOnExit();
      Path p = dir.resolve(file);
      Files.copy(in, p);
      p.toFile().deleteOnExit();
      return p;
    }
  }
}
