package io.edgessl.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slopes and bounds of a soak, on made-up samples. */
class SoakResultTest {
  private static SoakResult result(List<ProcessProbe.Reading> samples, boolean nmt) {
    List<Long> at = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      at.add(i * 5_000L);
    }
    SoakConfig config =
        new SoakConfig(
            Path.of("m.edgessl"),
            null,
            "java",
            5_000 * (samples.size() - 1),
            5_000,
            1,
            10,
            0,
            1,
            SoakConfig.Bounds.defaults());
    return new SoakResult(config, "b", "k", List.of("GRAY"), at, samples, nmt, 1, 0, 0, 1);
  }

  @Test
  void slopesArePerTenThousandFramesAfterTheWarmup() {
    List<ProcessProbe.Reading> s = new ArrayList<>();
    s.add(new ProcessProbe.Reading(500, 500, 500, 500, 500)); // warm-up: left out
    for (int i = 1; i <= 4; i++) {
      // heap +0.1 MiB per 5000 frames = 0.2 per 10 000; RSS +2 per 5000 = 4 per 10 000.
      s.add(new ProcessProbe.Reading(40 + 0.1 * i, 200, 300 + 2 * i, 30, 6));
    }
    SoakResult r = result(s, true);
    double[] slopes = r.slopes();
    assertEquals(0.2, slopes[0], 1e-9);
    assertEquals(0.0, slopes[1], 1e-9);
    assertEquals(4.0, slopes[2], 1e-9);
    assertEquals(0.0, slopes[3], 1e-9);
    assertEquals(List.of("RSS (MiB) grows 4.000 per 10 000 frames (bound 2.000)"), r.violations());
  }

  @Test
  void withoutNmtTheNativeColumnIsNotChecked() {
    List<ProcessProbe.Reading> s = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      s.add(new ProcessProbe.Reading(40, Double.NaN, 300, 30, 6));
    }
    assertTrue(result(s, false).violations().isEmpty());
    assertEquals(1, result(s, true).violations().size()); // NaN with NMT on: cannot tell, fails
  }

  @Test
  void probeReadsThisProcess() {
    ProcessProbe.Reading r = ProcessProbe.read();
    assertTrue(r.heapMiB() > 0 && r.threads() >= 1, r.toString());
    if (Path.of("/proc/self/status").toFile().exists()) {
      assertTrue(r.rssMiB() > 0 && r.fds() >= 3, r.toString());
    }
  }
}
