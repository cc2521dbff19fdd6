package io.edgessl.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash never leaves a half-written one: content goes to a temporary file in
 * the same directory, is forced to disk, and is renamed over the target in one step.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content of a file. */
  @FunctionalInterface
  public interface Writer {
    void write(FileChannel channel) throws IOException;
  }

  /**
   * Writes {@code target} atomically with {@code writer}. On any failure the temporary file is
   * deleted and {@code target} is untouched.
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException("directory does not exist: " + dir);
    }
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writer.write(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(
        target,
        ch -> {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            ch.write(b);
          }
        });
  }

  /** Makes a rename durable where the platform allows opening directories (POSIX). */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open directories; the rename itself is still atomic there.
    }
  }
}
