package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.testing.Kill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at random points while it saves a k-NN bank over and over ({@link
 * KnnIndex#save} and {@link KnnClassifier#save} in turn), each save a new generation it announces
 * ({@code saving N}) and confirms ({@code committed N}) on stdout. After each kill the file must
 * load, and hold exactly the last committed generation or, when the kill came after {@code saving
 * N+1}, possibly that one: the atomic rename makes the new file visible at one instant, which may
 * fall before the child could print {@code committed}. Stale temporary files must not pile up: a
 * child that committed once leaves at most its own in-flight one.
 *
 * <p>{@code -Dedgessl.crash.kills=N} changes the number of kills (100 by default; {@code
 * scripts/crash-test} runs more).
 */
@EnabledOnOs(OS.LINUX)
class KnnCrashSafetyTest {
  static final int BASE = 1000;
  static final int DIM = 32;

  @TempDir Path dir;

  /** The saver: loads the file, then adds one entry and saves, forever. */
  public static final class Saver {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      SplittableRandom r = new SplittableRandom(Long.parseLong(args[1]));
      KnnIndex index = KnnIndex.load(file);
      long gen = index.size() - BASE;
      System.out.println("loaded " + gen);
      for (; ; ) {
        gen++;
        index.add("gen", KnnFileFuzzTest.vec(r, DIM));
        System.out.println("saving " + gen);
        System.out.flush();
        if (gen % 2 == 0) {
          index.save(file);
        } else {
          KnnClassifier.builder(index).k(5).build().save(file);
        }
        System.out.println("committed " + gen);
        System.out.flush();
      }
    }
  }

  private List<Path> temps(Path file) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.equals(file)).toList();
    }
  }

  @Test
  void everyKillLeavesTheLastCommittedOrTheInFlightGeneration() throws Exception {
    int kills = Integer.getInteger("edgessl.crash.kills", 100);
    Path file = dir.resolve("bank.knn");
    SplittableRandom r = new SplittableRandom(Long.getLong("edgessl.crash.seed", 42));
    KnnIndex first = new KnnIndex(DIM);
    for (int i = 0; i < BASE; i++) {
      first.add("base" + i % 10, KnnFileFuzzTest.vec(r, DIM));
    }
    first.save(file); // generation 0, committed before any child runs
    int inFlight = 0;
    int newest = 0;
    int maxTemps = 0;
    for (int i = 0; i < kills; i++) {
      int before = temps(file).size();
      List<String> out =
          Kill.run(
              Kill.java(Saver.class, file.toString(), Long.toString(r.nextLong())),
              "saving",
              1 + r.nextInt(3),
              r.nextLong(0, 8_000_000),
              60);
      long loaded = Kill.last(out, "loaded");
      long committed = Math.max(loaded, Kill.last(out, "committed"));
      long saving = Kill.last(out, "saving");
      long held = KnnIndex.load(file).size() - BASE;
      Set<Long> allowed = saving > committed ? Set.of(committed, saving) : Set.of(committed);
      assertTrue(
          allowed.contains(held),
          "kill "
              + i
              + ": the file holds generation "
              + held
              + ", expected "
              + allowed
              + ": "
              + out);
      if (saving > committed) {
        inFlight++;
        if (held == saving) {
          newest++;
        }
      }
      List<Path> t = temps(file);
      maxTemps = Math.max(maxTemps, t.size());
      int limit = Kill.last(out, "committed") >= 0 ? 1 : before + 1;
      assertTrue(t.size() <= limit, "kill " + i + ": temporary files pile up: " + t);
    }
    // The next save removes every stale temporary file.
    KnnIndex.load(file).save(file);
    assertEquals(List.of(), temps(file));
    System.out.printf(
        "crash knn: %d kills, %d during a save (%d of them after the rename), at most %d"
            + " temporary files%n",
        kills, inFlight, newest, maxTemps);
    assertTrue(inFlight > kills / 4, "too few kills landed during a save: " + inFlight);
  }
}
