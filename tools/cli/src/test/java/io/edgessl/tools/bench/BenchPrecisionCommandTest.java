package io.edgessl.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.tools.EdgeSsl;
import io.edgessl.train.data.IdxTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code edgessl bench precision}: one table row per precision and thread count. */
class BenchPrecisionCommandTest {
  @TempDir Path dir;

  private String[] run(String... args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void comparesEveryPrecisionOfABundleInOneRun() throws Exception {
    Path data = Files.createDirectory(dir.resolve("fm"));
    IdxTestData.write(data);
    Path b = dir.resolve("conv.edgessl");
    RandomModels.writeBundle(Preset.CONV_MNIST, 2, b);
    String[] q =
        run("quantize", b.toString(), "--quiet", "--calib", data.toString(), "--check-count", "2");
    assertEquals("0", q[0], q[2]);
    Path json = dir.resolve("bench.json");
    String[] r =
        run(
            "bench",
            "precision",
            "--quiet",
            "--model",
            b.toString(),
            "--data",
            data.toString(),
            "-k",
            "1",
            "--threads",
            "1,2",
            "--batch",
            "2",
            "--frames",
            "4",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--json",
            json.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("| date | model | precision | top-1 |"), r[1]);
    List<String> rows = r[1].lines().filter(l -> l.matches("\\| \\d{4}-.*")).toList();
    assertEquals(6, rows.size(), r[1]); // fp32, fp16, int8 at 1 and 2 threads
    // The test split is the training split: every image's nearest neighbour is itself.
    assertTrue(
        rows.get(0).contains("| FP32 | 100.00 % | +0.00 | 1.000000 / 1.000000 | 1 |"), rows.get(0));
    assertTrue(
        rows.get(2)
            .matches(
                "\\| .* \\| INT8 \\| 100\\.00 % \\| \\+0\\.00 \\| 0\\.99\\d+ / .* \\*\\*[^*]+×\\*\\* \\|"),
        rows.get(2));
    Map<?, ?> j = (Map<?, ?>) io.edgessl.internal.io.Json.parse(Files.readString(json));
    assertEquals(
        List.of("fp32", "fp16", "int8"), List.copyOf(((Map<?, ?>) j.get("accuracy")).keySet()));

    Path plain = dir.resolve("plain.edgessl");
    RandomModels.writeBundle(Preset.CONV_MNIST, 2, plain);
    r =
        run(
            "bench",
            "precision",
            "--model",
            plain.toString(),
            "--data",
            data.toString(),
            "--precisions",
            "int8");
    assertEquals(Integer.toString(EdgeSsl.EXIT_FAILURE), r[0]);
    assertEquals(
        "edgessl: model bundle " + plain + " has no fp32 model: the baseline of every comparison\n",
        r[2]);
  }
}
