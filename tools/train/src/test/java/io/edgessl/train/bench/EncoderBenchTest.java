package io.edgessl.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.train.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder and preprocessing benchmarks as library calls: their rows, listener and checks. */
class EncoderBenchTest {
  @TempDir Path dir;

  @Test
  void encoderBenchTimesEveryThreadCountAndBatch() throws Exception {
    Path bundle = dir.resolve("vit.edgessl");
    RandomModels.writeBundle(RandomModels.Preset.VIT_TEST, 1, bundle);
    EncoderBenchConfig c =
        new EncoderBenchConfig(
            bundle, 64, 48, PixelFormat.NV12, List.of(1, 2), List.of(1), 4, 1, 0, List.of("java"));
    EncoderBenchResult r = EncoderBench.run(c, Progress.NONE);
    assertEquals(List.of("java"), r.kernels());
    assertTrue(r.manifest().name().startsWith("vit-test"), r.manifest().name());
    assertTrue(r.backend().endsWith(" fp32"), r.backend());
    assertEquals(List.of(1, 2), r.rows().stream().map(EncoderBenchResult.Row::batch).toList());
    for (EncoderBenchResult.Row row : r.rows()) {
      assertEquals("java", row.kernels());
      assertEquals(1, row.threads());
      assertTrue(row.preprocessFps() > 0 && row.endToEndFps() > 0, row.toString());
      // Preprocessing alone is the same measurement for every row.
      assertEquals(r.rows().get(0).preprocessFps(), row.preprocessFps());
      assertEquals(row.endToEndFps() / row.preprocessFps(), row.preprocessShare(), 1e-12);
    }
    StringWriter s = new StringWriter();
    r.print(new PrintWriter(s));
    assertTrue(s.toString().contains("NV12 64x48 frames"), s.toString());
    assertEquals(2, s.toString().lines().filter(l -> l.matches("  java +1 +[12] .*%")).count());
  }

  @Test
  void encoderBenchChecksItsSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EncoderBenchConfig(
                    null, 64, 48, PixelFormat.RGB, List.of(8), null, 4, 1, 0, null));
    assertEquals("batch sizes must be in 1..--frames (4): 8", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EncoderBenchConfig(
                    null, 64, 48, PixelFormat.RGB, List.of(1), null, 4, 1, 0, List.of("gpu")));
    assertEquals("unknown kernels 'gpu'; expected java or native", e.getMessage());
    EncoderBenchConfig d = EncoderBenchConfig.defaults(null);
    assertEquals(1, d.threads().get(0));
    assertEquals(8, d.maxBatch());
  }

  @Test
  void preprocessBenchReportsEachLineAsItIsMeasured() throws Exception {
    List<String> kernels = List.of("java");
    PreprocessBenchConfig c =
        new PreprocessBenchConfig(
            40,
            30,
            List.of(PixelFormat.NV12, PixelFormat.GRAY),
            List.of(Interpolation.BILINEAR, Interpolation.BICUBIC),
            kernels,
            16,
            20,
            2,
            2,
            0);
    List<String> started = new ArrayList<>();
    List<PreprocessBenchResult.Line> seen = new ArrayList<>();
    PreprocessBenchResult r =
        PreprocessBench.run(
            c,
            Progress.NONE,
            new PreprocessBench.Listener() {
              @Override
              public void starting(List<String> names) {
                assertTrue(seen.isEmpty());
                started.addAll(names);
              }

              @Override
              public void measured(PreprocessBenchResult.Line line) {
                seen.add(line);
              }
            });
    assertEquals(List.of("java"), started);
    assertEquals(r.lines(), seen);
    assertEquals(
        List.of("NV12 bilinear", "NV12 bicubic", "GRAY bilinear", "GRAY bicubic"),
        seen.stream().map(l -> l.format() + " " + l.filter()).toList());
    for (PreprocessBenchResult.Line l : seen) {
      assertEquals(1, l.rows().size());
      PreprocessBenchResult.Row row = l.rows().get(0);
      assertEquals(2, row.seconds().length);
      assertTrue(row.fps() > 0);
      assertEquals(1.0, l.ratio());
    }
    Map<String, Object> j = r.toJson();
    assertEquals(4, ((List<?>) j.get("rows")).size());
    assertEquals(20L, j.get("short_side"));
  }

  @Test
  void preprocessBenchComparesJavaWithNativeWhereNativeRuns() throws Exception {
    if (KernelSupport.image().name().equals("java")) {
      return; // no native kernels on this machine
    }
    PreprocessBenchConfig c =
        new PreprocessBenchConfig(
            32,
            32,
            List.of(PixelFormat.RGB),
            List.of(Interpolation.BILINEAR),
            List.of("java", "native"),
            16,
            16,
            1,
            1,
            0);
    PreprocessBenchResult r = PreprocessBench.run(c, Progress.NONE, line -> {});
    assertEquals("java", r.kernels().get(0));
    assertTrue(r.kernels().get(1).startsWith("native"), r.kernels().toString());
    PreprocessBenchResult.Line l = r.lines().get(0);
    assertEquals(l.rows().get(1).fps() / l.rows().get(0).fps(), l.ratio());
  }

  @Test
  void preprocessBenchChecksItsSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PreprocessBenchConfig(40, 30, List.of(), List.of(), null, 300, 256, 1, 1, 0));
    assertTrue(e.getMessage().endsWith("--short-side at least --size"), e.getMessage());
    assertEquals(7, PreprocessBenchConfig.defaults().runs());
  }
}
