package io.edgessl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import io.edgessl.internal.kernels.KernelSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgessl bench preprocess}: a row per format and filter, JSON, usage errors. */
class BenchPreprocessCliTest {
  @TempDir Path dir;

  @Test
  void measuresEveryFormatAndFilterAndWritesJson() throws Exception {
    Path json = dir.resolve("pre.json");
    String selected = KernelSupport.image().name();
    EncoderCliTest.Run r =
        EncoderCliTest.run(
            "bench",
            "preprocess",
            "--frame",
            "40x30",
            "--formats",
            "nv12,gray",
            "--size",
            "16",
            "--short-side",
            "20",
            "--frames",
            "2",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--kernels",
            selected.equals("java") ? "java" : "java,native",
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("preprocessing: 40x30 frames"), r.out());
    assertEquals(
        4, r.out().lines().filter(l -> l.matches("  (NV12|GRAY) +(bilinear|bicubic) .*")).count());
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json, StandardCharsets.UTF_8));
    List<?> rows = (List<?>) m.get("rows");
    assertEquals(selected.equals("java") ? 4 : 8, rows.size());
    Map<?, ?> first = (Map<?, ?>) rows.get(0);
    assertEquals("NV12", first.get("format"));
    assertEquals("bilinear", first.get("filter"));
    assertEquals("java", first.get("kernels"));
    assertTrue(((Number) first.get("frames_per_second")).doubleValue() > 0);
  }

  @Test
  void usageErrorsNameTheValue() {
    EncoderCliTest.Run r = EncoderCliTest.run("bench", "preprocess", "--filters", "lanczos");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: unknown filter 'lanczos'; expected bilinear, bicubic\n", r.err());
    r = EncoderCliTest.run("bench", "preprocess", "--size", "300");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("--short-side at least --size"), r.err());
  }
}
