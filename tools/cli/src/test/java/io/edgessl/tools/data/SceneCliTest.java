package io.edgessl.tools.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.tools.EdgeSsl;
import io.edgessl.train.scenes.DavisDataset;
import io.edgessl.train.scenes.SceneTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SceneCliTest {
  @TempDir Path dir;
  Path fm;
  Path bg;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void inputs() throws Exception {
    fm = SceneTestData.writeFashionMnist(dir.resolve("fm"), 30, 10);
    bg = SceneTestData.writeBackgrounds(dir.resolve("bg"), 4);
    Files.writeString(bg.resolve("broken.png"), "broken");
  }

  /** Runs {@code data scenes} on the test inputs; {@code more} adds options or replaces them. */
  private Run scenes(Path out, String... more) {
    java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("--out", out.toString());
    o.put("--fmnist", fm.toString());
    o.put("--backgrounds", bg.toString());
    o.put("--size", "40x48");
    o.put("--train", "3");
    o.put("--val", "1");
    o.put("--test", "2");
    o.put("--seed", "3");
    for (int i = 0; i < more.length; i += 2) {
      o.put(more[i], more[i + 1]);
    }
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("data", "scenes", "--quiet"));
    o.forEach(
        (k, v) -> {
          args.add(k);
          args.add(v);
        });
    return run(args.toArray(String[]::new));
  }

  @Test
  void writesADavisLayoutAndSummarises() throws Exception {
    Path out = dir.resolve("out");
    Run r = scenes(out, "--videos", "1", "--frames", "4", "--objects", "2,3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("wrote " + out + " (DAVIS 2017 layout, 40x48, seed 3)"), r.out());
    assertTrue(r.out().contains("1 videos of 4 frames"), r.out());
    assertTrue(r.err().contains("edgessl: warning: skipping background"), r.err());
    assertTrue(r.err().contains("broken.png"), r.err());
    DavisDataset ds = DavisDataset.open(out);
    assertEquals(4, ds.sequences("train").size());
    assertEquals(4, ds.sequence("video-test-0000").length());
    assertEquals(40, ds.sample(ds.sequence("scene-val-0000"), 0).mask().height());
    assertTrue(Files.readString(out.resolve("scenes.json")).contains("\"seed\": 3"));
  }

  @Test
  void badSizeIsAUsageError() {
    for (String s : new String[] {"40", "abc", "10x10", "224x", "0x5"}) {
      Path out = dir.resolve("o-" + s);
      Run r = scenes(out, "--size", s);
      if (s.equals("40")) {
        assertEquals(0, r.code(), r.err()); // a square
        continue;
      }
      assertEquals(EdgeSsl.EXIT_USAGE, r.code(), s + ": " + r.err());
      assertTrue(r.err().startsWith("edgessl: --size"), r.err());
      assertFalse(Files.exists(out));
    }
  }

  @Test
  void existingNonEmptyOutputIsAUsageError() throws Exception {
    Path out = Files.createDirectory(dir.resolve("full"));
    Files.writeString(out.resolve("keep"), "keep");
    Run r = scenes(out);
    assertEquals(EdgeSsl.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains(out + " exists and is not empty"), r.err());
    assertEquals("keep", Files.readString(out.resolve("keep")));
  }

  @Test
  void missingFashionMnistIsAFailure() {
    Path none = dir.resolve("nothing");
    Run r = scenes(dir.resolve("out"), "--fmnist", none.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code(), r.err());
    assertEquals("edgessl: Fashion-MNIST directory not found: " + none + "\n", r.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void missingBackgroundsIsAFailureNamingTheFolder() {
    Path none = dir.resolve("no-photos");
    Run r = scenes(dir.resolve("out"), "--backgrounds", none.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code(), r.err());
    assertEquals("edgessl: backgrounds folder not found: " + none + "\n", r.err());
  }

  @Test
  void badObjectsIsAUsageError() {
    Run r = scenes(dir.resolve("out"), "--objects", "3,1");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().startsWith("edgessl: --objects 3,1"), r.err());
  }
}
