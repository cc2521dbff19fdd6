package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.testing.TestBundles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state a directory rewrite killed at some instant leaves on disk ({@link DirectorySwap}),
 * built by hand: the next {@link ModelBundle#open} of the missing path, or the next write, leaves
 * exactly the old or the new bundle's bytes, never neither, and no leftovers; a live writer's files
 * are never touched.
 */
class DirectorySwapTest {
  @TempDir Path dir;

  static final byte[] FP32 = "fp32 model".getBytes(StandardCharsets.US_ASCII);
  static final byte[] INT8 = "int8 model".getBytes(StandardCharsets.US_ASCII);

  Path bundle;
  Map<String, String> oldBytes;
  Map<String, String> newBytes;

  /** Writes the old version at {@code bundle} and the new one (with INT8) at {@code staged}. */
  @BeforeEach
  void versions() throws Exception {
    bundle = dir.resolve("b-dir");
    BundleWriter.write(bundle, TestBundles.manifest(), Map.of("encoder.fp32.onnx", FP32));
    Path staged = dir.resolve("staged");
    BundleWriter.write(
        staged,
        TestBundles.manifest().precision(Precision.INT8, "encoder.int8.onnx"),
        Map.of("encoder.fp32.onnx", FP32, "encoder.int8.onnx", INT8));
    oldBytes = files(bundle);
    newBytes = files(staged);
    assertFalse(oldBytes.equals(newBytes));
  }

  /** A bundle directory's files by name, with their SHA-256. */
  static Map<String, String> files(Path d) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), ModelBundle.sha256(Files.readAllBytes(p)));
      }
    }
    return m;
  }

  /** What the directory holds besides the staged copy. */
  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("staged"))
          .sorted()
          .toList();
    }
  }

  Path sibling(String kind, String token) {
    return dir.resolve(".b-dir." + kind + "." + token);
  }

  /** The staged new version copied to {@code to}, optionally damaged. */
  void copyNew(Path to, boolean damaged, boolean incomplete) throws IOException {
    Files.createDirectory(to);
    for (String f : newBytes.keySet()) {
      if (incomplete && f.equals("encoder.int8.onnx")) {
        continue; // killed before this file was written
      }
      Files.copy(dir.resolve("staged").resolve(f), to.resolve(f));
    }
    if (damaged) {
      Files.write(to.resolve("encoder.int8.onnx"), "int8 modeL".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A writer killed between its two renames: the old version aside, the new one beside it. */
  void killedBetweenRenames(String token, boolean damaged, boolean incomplete, boolean lockFile)
      throws IOException {
    copyNew(sibling("new", token), damaged, incomplete);
    Files.move(bundle, sibling("old", token));
    if (lockFile) {
      Files.createFile(sibling("lock", token));
    }
  }

  @Test
  void aCompleteNewVersionIsMovedInWhenTheOldWasAside() throws Exception {
    killedBetweenRenames("123", false, false, true);
    assertFalse(Files.exists(bundle));
    assertEquals(2, ModelBundle.open(bundle).manifest().precisions().size());
    assertEquals(newBytes, files(bundle));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void aDamagedNewVersionGivesTheOldOneBack() throws Exception {
    killedBetweenRenames("123", true, false, true);
    assertEquals(1, ModelBundle.open(bundle).manifest().precisions().size());
    assertEquals(oldBytes, files(bundle));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void anIncompleteNewVersionGivesTheOldOneBack() throws Exception {
    killedBetweenRenames("123", false, true, true);
    assertEquals(oldBytes, files(ModelBundle.open(bundle).path()));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void theOldVersionAloneComesBack() throws Exception {
    Files.move(bundle, sibling("old", "9"));
    assertEquals(oldBytes, files(ModelBundle.open(bundle).path()));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void leftoversOfWritersBeforeLockFilesAreRecoveredToo() throws Exception {
    // The old writer named its directories .NAME.new.RANDOM and .NAME.old.HASH: no shared token,
    // no lock file. Its old version comes back; the unpaired new one is deleted.
    copyNew(sibling("new", "4711"), false, false);
    Files.move(bundle, sibling("old", "-2049"));
    assertEquals(oldBytes, files(ModelBundle.open(bundle).path()));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void aNewVersionNotYetSwappedIsDeletedByTheNextWrite() throws Exception {
    // Killed before the first rename: the bundle is the old one; its reader leaves the leftovers.
    copyNew(sibling("new", "77"), false, false);
    Files.createFile(sibling("lock", "77"));
    ModelBundle b = ModelBundle.open(bundle);
    assertEquals(oldBytes, files(bundle));
    assertEquals(List.of(".b-dir.lock.77", ".b-dir.new.77", "b-dir"), names());
    BundleWriter.update(b, b.manifest().toBuilder(), Map.of("extra.bin", INT8));
    assertEquals(List.of("b-dir"), names());
    assertTrue(files(bundle).containsKey("extra.bin"));
  }

  @Test
  void theOldVersionLeftAfterTheSwapIsDeleted() throws Exception {
    // Killed after the second rename, before deleting the old version: the bundle is the new one.
    Files.move(bundle, sibling("old", "5"));
    copyNew(bundle, false, false);
    Files.createFile(sibling("lock", "5"));
    assertFalse(DirectorySwap.recover(bundle));
    assertEquals(newBytes, files(bundle));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void aBundleInPlaceWinsOverEveryLeftover() throws Exception {
    copyNew(sibling("new", "1"), false, false);
    copyNew(sibling("old", "1"), false, false);
    Files.createFile(sibling("lock", "1"));
    copyNew(sibling("new", "2"), true, false);
    assertFalse(DirectorySwap.recover(bundle));
    assertEquals(oldBytes, files(bundle));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void aLiveWritersFilesAreLeftAlone() throws Exception {
    killedBetweenRenames("123", false, false, true);
    // A dead writer's leftover too: recovery waits for the live one rather than judge alone.
    copyNew(sibling("new", "5"), true, false);
    List<String> during = names();
    try (FileChannel ch = FileChannel.open(sibling("lock", "123"), StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      long t0 = System.nanoTime();
      EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(bundle));
      assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
      assertTrue(System.nanoTime() - t0 > 500_000_000L, "open waited for the live swap");
      assertEquals(during, names(), "nothing touched");
      assertTrue(DirectorySwap.recover(bundle));
      assertEquals(during, names());
    }
    // Its writer dead, the swap is finished.
    assertEquals(newBytes, files(ModelBundle.open(bundle).path()));
    assertEquals(List.of("b-dir"), names());
  }

  @Test
  void aWriteToTheMissingPathRecoversFirst() throws Exception {
    killedBetweenRenames("8", false, false, false);
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () ->
                BundleWriter.write(
                    bundle, TestBundles.manifest(), Map.of("encoder.fp32.onnx", INT8)));
    assertEquals(ErrorCode.IO, e.code());
    assertTrue(e.getCause() instanceof FileAlreadyExistsException, e.toString());
    assertEquals(newBytes, files(bundle));
    assertEquals(List.of("b-dir"), names());
  }
}
