package io.edgessl.tools.cli;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.internal.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Result files the commands write: checked before any work, written atomically. */
public final class OutputFiles {
  private OutputFiles() {}

  /** Fails before any work when {@code file} cannot be created. */
  public static void checkWritable(Path file) throws EdgeSslException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "cannot write " + file + ": directory " + parent + " does not exist");
    }
  }

  /** Writes {@code bytes} to {@code file} atomically. */
  public static void write(Path file, byte[] bytes) throws EdgeSslException {
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code value} (maps, lists, strings, numbers) as pretty JSON, atomically. */
  public static void writeJson(Path file, Object value) throws EdgeSslException {
    write(file, Json.writePretty(value).getBytes(StandardCharsets.UTF_8));
  }
}
