package io.edgessl.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.tools.EdgeSsl;
import io.edgessl.train.Trainer;
import io.edgessl.train.data.Y4mFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgessl train --dataset video}: a short run on a generated video; bad input fails first.
 */
class VideoTrainCliTest {
  @TempDir Path dir;

  /** 32 frames of 24 x 20 pixels: a bright square moving right over a tinted background. */
  Path movingSquare() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (int f = 0; f < 32; f++) {
      final int x0 = f % 16;
      frames.add(
          Y4mFiles.planes(
              24,
              20,
              (x, y) -> x >= x0 && x < x0 + 8 && y >= 6 && y < 14 ? 220 : 40 + 4 * y,
              (x, y) -> 100 + x,
              (x, y) -> 150 - y));
    }
    return Y4mFiles.write(dir.resolve("clip.y4m"), "W24 H20 F30:1 Ip A1:1 C420jpeg", frames);
  }

  static List<String> args(Path out, Path data, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--quiet",
                "train",
                "--threads",
                "1",
                "--out",
                out.toString(),
                "--dataset",
                "video",
                "--data",
                data.toString()));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void trainsOneEpochOnFramesOfAVideo() throws Exception {
    Path clip = movingSquare();
    Path out = dir.resolve("video-run");
    // The folder test's tiny SimCLR ResNet at 16 px: 16 frames (every 2nd), 2 steps of 8.
    TrainCliTest.Run r =
        TrainCliTest.run(
            args(
                out,
                clip,
                "--frame-step",
                "2",
                "--method",
                "simclr",
                "--image-size",
                "16",
                "--batch",
                "8",
                "--epochs",
                "1",
                "--arch",
                "resnet-tiny",
                "--widths",
                "8",
                "--blocks",
                "1",
                "--proj-hidden",
                "16",
                "--proj-dim",
                "8"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("16 images"), r.out());
    assertTrue(r.out().contains("data: clip.y4m frames 0-30 (every 2)"), r.out());
    assertTrue(r.out().contains("k-NN monitor off: videos have no held-out labelled split"));
    assertTrue(r.out().contains("--frame-step 2"), "resolved options: " + r.out());
    assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT)));
  }

  @Test
  void badVideoInputFailsBeforeTraining() throws Exception {
    Path out = dir.resolve("never");
    Path junk = Files.writeString(dir.resolve("junk.y4m"), "not a video\n");
    TrainCliTest.Run r = TrainCliTest.run(args(out, junk));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals(
        "edgessl: " + junk + ": not a Y4M file (it does not start with YUV4MPEG2)\n", r.err());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    r = TrainCliTest.run(args(out, empty));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: no .y4m files in " + empty + "\n", r.err());

    byte[] whole = Files.readAllBytes(movingSquare());
    Path cut =
        Files.write(dir.resolve("cut.y4m"), java.util.Arrays.copyOf(whole, whole.length - 1));
    r = TrainCliTest.run(args(out, cut));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: " + cut + ": frame 31 is truncated (719 of 720 bytes)\n", r.err());

    r = TrainCliTest.run(args(out, cut, "--frame-step", "0"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: --frame-step must be positive: 0\n", r.err());
    r =
        TrainCliTest.run(
            List.of(
                "train",
                "--threads",
                "1",
                "--out",
                out.toString(),
                "--dataset",
                "folder",
                "--data",
                dir.toString(),
                "--frame-step",
                "2"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: --frame-step and --max-frames apply to --dataset video, not folder\n", r.err());
    r =
        TrainCliTest.run(
            List.of("train", "--threads", "1", "--out", out.toString(), "--dataset", "video"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: --dataset video needs --data PATH\n", r.err());
    assertFalse(Files.exists(out), "nothing written before the data is read");
  }
}
