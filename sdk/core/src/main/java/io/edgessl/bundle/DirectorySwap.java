package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a directory bundle {@code NAME} beside itself and swaps it in, recoverably.
 *
 * <p>A rename cannot replace a non-empty directory, so a rewrite takes two: the old version aside,
 * the new one in. Each writer works under a token {@code T} (random): it first creates and locks
 * (exclusive {@link FileLock}, held until it is done) the file {@code .NAME.lock.T}, then writes
 * the new version complete in {@code .NAME.new.T} (every file forced to disk), then renames {@code
 * NAME} to {@code .NAME.old.T} (the commit point: from here on the outcome is the new version),
 * renames {@code .NAME.new.T} to {@code NAME}, deletes {@code .NAME.old.T} and last the lock file.
 *
 * <p>{@link #recover} puts a killed writer's bundle back, as {@link AtomicFiles} removes a killed
 * writer's temporary files: a token whose lock can be taken belongs to a dead writer (the kernel
 * drops a dead process's locks), one whose lock is held to a live writer, in this process or
 * another, whose files are never touched. When any token is live, recovery does nothing at all.
 * Otherwise, holding every dead token's lock: when {@code NAME} is missing and a {@code
 * .NAME.old.T} exists (the writer died between its two renames), {@code .NAME.new.T} is renamed to
 * {@code NAME} if it opens as a bundle with every hash verified, else {@code .NAME.old.T} is
 * renamed back; then every dead token's directories and lock file are deleted. So after a kill at
 * any instant, the next recovery leaves at {@code NAME} exactly the old version or the new one, and
 * no leftovers. Leftovers of writers before this scheme ({@code .NAME.old.H} and {@code
 * .NAME.new.R} without a lock file) are dead tokens too: an old one is renamed back when {@code
 * NAME} is missing.
 */
final class DirectorySwap implements AutoCloseable {
  private static final String LOCK = "lock.";
  private static final String NEW = "new.";
  private static final String OLD = "old.";

  private final Path target;
  private final Token token;
  private boolean committed;

  private DirectorySwap(Path target, Token token) {
    this.target = target;
    this.token = token;
  }

  /**
   * Recovers {@code target} from dead writers, then starts a writer: its lock held, its empty new
   * directory created.
   */
  static DirectorySwap start(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException("directory does not exist: " + parent);
    }
    recover(abs);
    String prefix = prefix(abs) + LOCK;
    for (int attempt = 0; ; attempt++) {
      Path lockFile = Files.createTempFile(parent, prefix, "");
      Token t = Token.tryHold(abs, lockFile.getFileName().toString().substring(prefix.length()));
      if (t != null) {
        try {
          Files.createDirectory(t.fresh);
        } catch (IOException | RuntimeException e) {
          t.close();
          throw e;
        }
        return new DirectorySwap(abs, t);
      }
      // A recovery took the new lock file for a dead writer's before this writer locked it.
      Files.deleteIfExists(lockFile);
      if (attempt == 9) {
        throw new IOException("cannot lock " + lockFile + ": another process holds it");
      }
    }
  }

  /** The directory to write the new version in; complete before {@link #commit}. */
  Path fresh() {
    return token.fresh;
  }

  /**
   * Moves the new version into place: by one rename when {@code target} does not exist ({@code
   * replace} false), else by two, the old version aside first; if the second rename fails, the old
   * version is renamed back.
   */
  void commit(boolean replace) throws IOException {
    AtomicFiles.syncDirectory(token.fresh);
    if (!replace) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            target + " (remove it first, or write a .edgessl file)");
      }
      move(token.fresh, target);
      committed = true;
      AtomicFiles.syncDirectory(target.getParent());
      return;
    }
    move(target, token.old);
    try {
      move(token.fresh, target);
    } catch (IOException e) {
      try {
        move(token.old, target);
      } catch (IOException back) {
        // Both versions stay on disk under the names in the message; the next recovery, this
        // writer's lock gone, renames the new one in or the old one back.
        e.addSuppressed(back);
        token.release();
        throw e;
      }
      throw e;
    }
    committed = true;
    AtomicFiles.syncDirectory(target.getParent());
  }

  /**
   * Deletes this writer's directories and lock file: a rollback when not committed. After the
   * commit a failure is ignored: the new version is in place, and the lock released, the next
   * recovery deletes what is left.
   */
  @Override
  public void close() throws IOException {
    try {
      token.close();
    } catch (IOException e) {
      if (!committed) {
        throw e;
      }
    }
  }

  /**
   * Puts back the bundle at {@code target} when a dead writer left it missing between its two
   * renames, and deletes dead writers' leftovers; does nothing when a live writer is at work.
   *
   * @return whether a live writer holds a token of {@code target} (its files were left alone)
   */
  static boolean recover(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      return false;
    }
    String prefix = prefix(abs);
    TreeSet<String> ids = new TreeSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, glob(prefix) + "*")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(prefix.length());
        for (String kind : List.of(LOCK, NEW, OLD)) {
          if (rest.startsWith(kind) && rest.length() > kind.length()) {
            ids.add(rest.substring(kind.length()));
          }
        }
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    if (ids.isEmpty()) {
      return false;
    }
    List<Token> dead = new ArrayList<>();
    try {
      for (String id : ids) {
        Token t = Token.tryHold(abs, id);
        if (t == null) {
          // A live writer: leave everything, the dead writers' files too, to a later recovery.
          for (Token d : dead) {
            d.release();
          }
          dead.clear();
          return true;
        }
        dead.add(t);
      }
      if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        // The latest writer that moved the old version aside decides: its new version if whole.
        Token last =
            dead.stream()
                .filter(t -> Files.isDirectory(t.old, LinkOption.NOFOLLOW_LINKS))
                .max(Comparator.comparing(t -> modified(t.old)))
                .orElse(null);
        if (last != null) {
          move(verifies(last.fresh) ? last.fresh : last.old, abs);
          AtomicFiles.syncDirectory(parent);
        }
      }
    } finally {
      IOException failed = null;
      for (Token t : dead) {
        try {
          t.close();
        } catch (IOException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
    return false;
  }

  /**
   * Whether a live writer is between its two renames of {@code target}: its old version aside.
   * {@link ModelBundle.Opener#open} waits briefly for such a writer instead of reporting the bundle
   * missing.
   */
  static boolean swapping(Path target) {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      return false;
    }
    try (DirectoryStream<Path> s =
        Files.newDirectoryStream(parent, glob(prefix(abs) + OLD) + "*")) {
      return s.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Whether {@code dir} is a complete bundle: it opens, every listed file's hash verified. */
  private static boolean verifies(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      BundleReading.openDirectory(dir, ModelBundle.opener());
      return true;
    } catch (EdgeSslException e) {
      return false;
    }
  }

  private static String prefix(Path abs) {
    return "." + abs.getFileName() + ".";
  }

  /** {@code s} with the glob characters escaped. */
  private static String glob(String s) {
    return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // deleted meanwhile
    }
  }

  /** A writer's token, its lock held by this process. */
  private static final class Token {
    final Path lockFile;
    final Path fresh;
    final Path old;
    private FileChannel channel;
    private FileLock lock;

    private Token(Path target, String id) {
      Path parent = target.getParent();
      String prefix = prefix(target);
      lockFile = parent.resolve(prefix + LOCK + id);
      fresh = parent.resolve(prefix + NEW + id);
      old = parent.resolve(prefix + OLD + id);
    }

    /**
     * Takes token {@code id}'s lock, creating its lock file if missing (a dead writer's leftovers,
     * or a writer's from before lock files); null when another holder has it.
     */
    static Token tryHold(Path target, String id) throws IOException {
      Token t = new Token(target, id);
      FileChannel ch =
          FileChannel.open(t.lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = null;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        // held by a writer or a recovery in this process
      } finally {
        if (l == null) {
          ch.close();
        }
      }
      if (l == null) {
        return null;
      }
      t.channel = ch;
      t.lock = l;
      if (!Files.exists(t.lockFile, LinkOption.NOFOLLOW_LINKS)) {
        // Its holder finished and deleted it between our open and our lock.
        t.release();
        return null;
      }
      return t;
    }

    /** Lets the lock go, leaving the files: a later recovery finds them dead. */
    void release() throws IOException {
      if (channel != null) {
        channel.close(); // releases the lock
        channel = null;
        lock = null;
      }
    }

    /** Deletes the token's directories, then its lock file, then releases the lock. */
    void close() throws IOException {
      if (channel == null) {
        return;
      }
      try {
        deleteTree(fresh);
        deleteTree(old);
        try {
          Files.deleteIfExists(lockFile);
        } catch (IOException e) {
          // Windows refuses to delete an open file: delete it once released.
          release();
          Files.deleteIfExists(lockFile);
        }
      } finally {
        release();
      }
    }
  }
}
