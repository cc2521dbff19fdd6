package io.edgessl.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.tools.TestData;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.SoakBench;
import io.edgessl.train.bench.SoakConfig;
import io.edgessl.train.bench.SoakResult;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short soak (docs/RELIABILITY.md has the long one, scripts/soak): samples are produced, and file
 * descriptors and threads do not grow once warm. Memory slopes over so few frames are noise: not
 * checked here.
 */
class SoakBenchTest {
  private static final Path MODEL = Path.of("../../models/fashion-mnist-resnet-tiny.edgessl");

  @Test
  void aShortSoakSamplesAndHoldsFilesAndThreads() throws Exception {
    Path dir = TestData.fashionMnist();
    assertTrue(Files.isRegularFile(MODEL), MODEL.toAbsolutePath() + " is missing");
    LabelledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST).head(1200);
    SoakConfig config =
        new SoakConfig(
            MODEL,
            "onnxruntime",
            kernels(),
            1500,
            300,
            2,
            200,
            25,
            20,
            SoakConfig.Bounds.defaults());
    SoakResult r = SoakBench.run(config, test, TerminalProgress.SINK);
    assertEquals(List.of(0L, 300L, 600L, 900L, 1200L, 1500L), r.at());
    assertEquals(6, r.samples().size());
    assertEquals(60, r.enrolled());
    assertEquals(60, r.forgotten());
    assertTrue(r.top1() > 0.6, "the model classifies: top-1 " + r.top1());
    for (int i = 2; i < r.samples().size(); i++) {
      assertEquals(r.samples().get(1).fds(), r.samples().get(i).fds(), "open fds at sample " + i);
      assertEquals(
          r.samples().get(1).threads(), r.samples().get(i).threads(), "threads at sample " + i);
      assertTrue(r.samples().get(i).heapMiB() > 0 && r.samples().get(i).rssMiB() > 0);
    }
    StringWriter text = new StringWriter();
    r.print(new PrintWriter(text));
    assertTrue(text.toString().contains("| open fds | +0.000 | 0.100 |"), text.toString());
    Map<String, Object> json = r.toJson();
    assertEquals(6, ((List<?>) json.get("samples")).size());
    assertFalse(r.slopes().length == 0);
  }

  private static String kernels() {
    try {
      NativeKernels.best();
      return "native";
    } catch (UnsupportedOperationException e) {
      return "java";
    }
  }
}
