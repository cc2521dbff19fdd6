package io.edgessl.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash never leaves a half-written one: content goes to a temporary file in
 * the same directory, is forced to disk, and is renamed over the target in one step.
 *
 * <p>What a crash (the process killed, at any instant) leaves: the target is either its previous
 * content or the new one, whole: the new one exactly when {@code rename(2)} ran before the kill. A
 * killed writer also leaves its temporary file {@code .NAME.RANDOM.tmp}. Each writer holds an
 * exclusive lock on its temporary file while it exists, and after every successful write deletes
 * the temporaries of the same target whose lock it can take: their writers are dead (the kernel
 * drops a dead process's locks), so stale files never pile up, while a live writer's, in this
 * process or another, is left alone. {@code CrashSafetyTest} kills savers with SIGKILL to check
 * both.
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
    String prefix = "." + abs.getFileName() + ".";
    Path tmp = Files.createTempFile(dir, prefix, SUFFIX);
    boolean done = false;
    try {
      try (FileChannel ch =
              FileChannel.open(
                  tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          FileLock lock = ch.lock()) {
        writer.write(ch);
        ch.force(true);
        // Renamed while still locked, so a cleaner never sees this file unlocked before the
        // rename. Windows refuses to rename an open file: there the rename waits for the close.
        done = rename(tmp, abs, false);
      }
      if (!done) {
        done = rename(tmp, abs, true);
      }
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    deleteStale(dir == null ? Path.of("") : dir, prefix);
  }

  private static final String SUFFIX = ".tmp";

  /** Renames {@code tmp} over {@code target}; false if the platform refused while it is open. */
  private static boolean rename(Path tmp, Path target, boolean closed) throws IOException {
    try {
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (AccessDeniedException e) {
      if (closed) {
        throw e;
      }
      return false;
    }
  }

  /**
   * Deletes the temporary files of earlier writes of the same target whose writers died: those
   * whose lock can be taken. Best effort: a failure here never fails the write that succeeded.
   */
  private static void deleteStale(Path dir, String prefix) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, stalePattern(prefix))) {
      for (Path p : s) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock()) {
          if (lock != null) {
            Files.deleteIfExists(p);
          }
        } catch (OverlappingFileLockException | IOException e) {
          // Locked by a live writer in this process, or already gone.
        }
      }
    } catch (IOException | RuntimeException e) {
      // The directory cannot be listed: the stale files stay until a later write.
    }
  }

  /** A glob for {@code PREFIX*SUFFIX} with the prefix's glob characters escaped. */
  private static String stalePattern(String prefix) {
    return prefix.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1") + "*" + SUFFIX;
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

  /**
   * Makes a rename durable where the platform allows opening directories (POSIX): forces {@code
   * dir}'s entries to disk. Does nothing where directories cannot be opened (Windows).
   */
  public static void syncDirectory(Path dir) {
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
