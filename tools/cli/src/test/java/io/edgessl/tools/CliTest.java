package io.edgessl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @TempDir Path dir;
  Path data;

  /** Exit code, standard output and standard error of one invocation. */
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
  void tinyData() throws Exception {
    data = Files.createDirectory(dir.resolve("fm"));
    io.edgessl.train.data.IdxTestData.write(data);
  }

  @Test
  void evalKnnReportsAccuracyAndWritesJson() throws Exception {
    Path json = dir.resolve("r.json");
    Run r =
        run(
            "eval",
            "knn",
            "--quiet",
            "--data",
            data.toString(),
            "-k",
            "1,3",
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("top-1"), r.out());
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
    List<?> results = (List<?>) m.get("results");
    assertEquals(2, results.size());
    // The test split equals the training split: each image's nearest neighbour is itself.
    assertEquals(1.0, ((Map<?, ?>) results.get(0)).get("top1"));
    assertEquals(1L, ((Map<?, ?>) results.get(0)).get("k"));
  }

  @Test
  void missingDataDirectoryIsAFailureNamingIt() {
    Path none = dir.resolve("none");
    Run r = run("eval", "knn", "--data", none.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: Fashion-MNIST directory not found: " + none + "\n", r.err());
  }

  @Test
  void damagedFileIsAFailureNamingIt() throws Exception {
    Path f = data.resolve("train-images-idx3-ubyte");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 1));
    Run r = run("eval", "knn", "--data", data.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().startsWith("edgessl: " + f + ": truncated"), r.err());
    assertFalse(r.err().contains("Exception"), "no stack trace for a user's mistake: " + r.err());
  }

  @Test
  void badArgumentsExitTwoWithTheValue() {
    Run r = run("eval", "knn", "--data", data.toString(), "-k", "0");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: k must be positive: 0\n", r.err());

    r = run("eval", "knn", "--data", data.toString(), "--vote", "plurality");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: unknown vote rule 'plurality'; expected dino, dinov2 or majority\n", r.err());

    r = run("eval", "knn", "--data", data.toString(), "--threads", "0");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());

    r = run("eval", "knn", "--dataset", "cifar10");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: unknown dataset 'cifar10'; supported: fashion-mnist\n", r.err());

    r = run("eval", "knn", "-T", "-1", "--data", data.toString());
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: temperature must be positive: -1.0\n", r.err());

    r = run("eval", "knn", "--no-such-option");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
  }

  @Test
  void jsonIsNotWrittenIntoAMissingDirectory() {
    Path json = dir.resolve("missing-dir/r.json");
    Run r = run("eval", "knn", "--quiet", "--data", data.toString(), "--json", json.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().contains("cannot write " + json), r.err());
  }

  @Test
  void benchKnnComparesWithTheNaiveLoop() {
    Run r =
        run(
            "bench",
            "knn",
            "--synthetic",
            "300,20",
            "--queries",
            "40",
            "--naive-queries",
            "10",
            "--runs",
            "1",
            "--warmup",
            "0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("naive per-query loop"), r.out());
    assertTrue(r.out().contains("java fp32"), r.out());
    assertTrue(r.out().contains("java int8"), r.out());
    assertTrue(r.out().contains("java int8+rerank2 (index)"), r.out());
    assertTrue(r.out().contains("recall@20"), r.out());
    assertTrue(r.out().contains("native kernels: "), r.out());
    // the exact Java search finds every exact neighbour
    assertTrue(r.out().matches("(?s).*java fp32 +40 .* 1\\.0000\n.*"), r.out());
    assertFalse(r.err().contains("differs from the naive loop"), r.err());
  }

  @Test
  void benchKnnExportsTheBankAndWritesJson() throws Exception {
    Path json = dir.resolve("bench.json");
    Run r =
        run(
            "bench",
            "knn",
            "--synthetic",
            "100,8",
            "--queries",
            "3",
            "--naive-queries",
            "3",
            "-k",
            "4",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--bank",
            "int8",
            "--rerank",
            "0",
            "--export",
            dir.toString(),
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(100 * 8 * 4, Files.size(dir.resolve("bank.f32")));
    assertEquals(3 * 8 * 4, Files.size(dir.resolve("queries.f32")));
    assertEquals(3 * 4 * 4, Files.size(dir.resolve("exact.i32")));
    Map<?, ?> meta = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("meta.json")));
    assertEquals(100L, meta.get("count"));
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
    List<?> rows = (List<?>) m.get("rows");
    assertEquals("naive per-query loop", ((Map<?, ?>) rows.get(0)).get("method"));
    assertEquals("int8", ((Map<?, ?>) rows.get(1)).get("precision"));
    r = run("bench", "knn", "--synthetic", "10,4", "--bank", "fp16");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: unknown bank precision 'fp16'; expected fp32 or int8\n", r.err());
  }

  @Test
  void indexBuildInfoAndEvalAgainstTheBank() throws Exception {
    Path bank = dir.resolve("bank.knn");
    Run r = run("index", "build", "--quiet", "--data", data.toString(), "--out", bank.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().startsWith("wrote " + bank + ": 2 vectors of dimension 6, 10 labels"), r.out());
    r = run("index", "info", bank.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("checksum ok"), r.out());
    assertTrue(r.out().contains("dimension  6"), r.out());
    r =
        run(
            "eval",
            "knn",
            "--quiet",
            "--data",
            data.toString(),
            "--index",
            bank.toString(),
            "-k",
            "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("100.00%"), r.out());
  }

  @Test
  void int8BanksBuildDescribeAndEvaluate() throws Exception {
    Path bank = dir.resolve("int8.knn");
    Run r =
        run(
            "index",
            "build",
            "--quiet",
            "--data",
            data.toString(),
            "--out",
            bank.toString(),
            "--bank",
            "int8",
            "--rerank",
            "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("10 labels, INT8, rerank 2 ("), r.out());
    r = run("index", "info", bank.toString());
    assertTrue(r.out().contains("precision  INT8, rerank 2"), r.out());
    r =
        run(
            "eval",
            "knn",
            "--quiet",
            "--data",
            data.toString(),
            "--index",
            bank.toString(),
            "-k",
            "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("100.00%"), r.out());
    r = run("index", "build", "--data", data.toString(), "--out", bank.toString(), "--rerank", "2");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: --rerank applies to --bank int8 only\n", r.err());
    r =
        run(
            "index",
            "build",
            "--data",
            data.toString(),
            "--out",
            bank.toString(),
            "--bank",
            "int4");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: unknown bank precision 'int4'; expected fp32 or int8\n", r.err());
  }

  @Test
  void badIndexFilesAreFailuresNamingTheFile() throws Exception {
    Path bank = dir.resolve("bank.knn");
    assertEquals(
        0,
        run("index", "build", "--quiet", "--data", data.toString(), "--out", bank.toString())
            .code());
    byte[] good = Files.readAllBytes(bank);

    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 0x40;
    Files.write(bank, bad);
    Run r = run("eval", "knn", "--data", data.toString(), "--index", bank.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().startsWith("edgessl: " + bank + ": checksum mismatch"), r.err());
    r = run("index", "info", bank.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().startsWith("edgessl: " + bank + ": checksum mismatch"), r.err());

    // a bank of another dimension than the encoder's
    io.edgessl.knn.KnnIndex other = new io.edgessl.knn.KnnIndex(5);
    other.add("x", new float[] {1, 0, 0, 0, 0});
    other.save(bank);
    r = run("eval", "knn", "--data", data.toString(), "--index", bank.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: " + bank + ": index has dimension 5, expected 6\n", r.err());

    // an empty bank
    new io.edgessl.knn.KnnIndex(6).save(bank);
    r = run("eval", "knn", "--data", data.toString(), "--index", bank.toString());
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: k-NN index " + bank + " is empty\n", r.err());

    // building over an existing file that then fails keeps it intact
    Files.write(bank, good);
    Path none = dir.resolve("none");
    r = run("index", "build", "--data", none.toString(), "--out", bank.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    org.junit.jupiter.api.Assertions.assertArrayEquals(good, Files.readAllBytes(bank));
  }

  @Test
  void helpAndVersion() {
    Run r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("eval"), r.out());
    assertEquals(0, run("--version").code());
  }
}
