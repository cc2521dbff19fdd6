package io.edgessl.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import io.edgessl.tools.EdgeSsl;
import io.edgessl.tools.TestData;
import io.edgessl.train.Checkpoint;
import io.edgessl.train.TrainLog;
import io.edgessl.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgessl train} end to end on a few hundred Fashion-MNIST images with tiny models: each
 * method's loss falls and its k-NN monitor beats chance; a stopped and resumed run ends with the
 * same weights as an uninterrupted one; bad input fails before training with a message.
 */
class TrainCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(List<String> args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args.toArray(new String[0]));
    return new Run(code, out.toString(), err.toString());
  }

  /** Common options of the short runs: 400 images, 50 a batch, monitor on 400 / 200. */
  static List<String> base(Path out, String method, int epochs) {
    return new ArrayList<>(
        List.of(
            "--quiet",
            "train",
            "--threads",
            "1",
            "--out",
            out.toString(),
            "--method",
            method,
            "--data",
            TestData.fashionMnist().toString(),
            "--train-limit",
            "400",
            "--batch",
            "50",
            "--epochs",
            Integer.toString(epochs),
            "--warmup-epochs",
            "1",
            "--log-every",
            "8",
            "--knn-bank",
            "400",
            "--knn-queries",
            "200",
            "--knn-every",
            Integer.toString(epochs)));
  }

  static final List<String> TINY_VIT =
      List.of("--arch", "vit-tiny", "--dim", "32", "--heads", "2", "--depth", "1");
  static final List<String> TINY_CNN =
      List.of("--arch", "resnet-tiny", "--widths", "8,16", "--blocks", "1,1");

  static List<Map<?, ?>> events(Path out, String event) throws Exception {
    List<Map<?, ?>> l = new ArrayList<>();
    for (Map<?, ?> m : TrainLog.read(out.resolve(Trainer.LOG))) {
      if (event.equals(m.get("event"))) {
        l.add(m);
      }
    }
    return l;
  }

  static double num(Map<?, ?> m, String k) {
    return ((Number) m.get(k)).doubleValue();
  }

  /** Trains, checks exit 0, files, a falling {@code key} and a k-NN monitor above chance. */
  void trains(String method, List<String> extra, String key, int skip) throws Exception {
    Path out = dir.resolve(method);
    List<String> args = base(out, method, 6);
    args.addAll(extra);
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("commit "), "prints the commit: " + r.out());
    assertTrue(r.out().contains("--method " + method), "prints resolved options: " + r.out());
    for (String f :
        List.of("checkpoint.pt", "train.jsonl", "loss.png", "knn.png", "command.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    List<Map<?, ?>> steps = events(out, "step");
    assertEquals(6, steps.size());
    // Averages of the first and last two logged values (after `skip` warm-up logs).
    double first = (num(steps.get(skip), key) + num(steps.get(skip + 1), key)) / 2;
    double last = (num(steps.get(4), key) + num(steps.get(5), key)) / 2;
    assertTrue(last < first, method + ": " + key + " should fall, " + first + " -> " + last);
    double top1 = num(events(out, "knn").get(0), "top1");
    assertTrue(top1 > 0.25, method + ": k-NN top-1 " + top1 + " should beat chance (0.10)");
  }

  @Test
  void dino() throws Exception {
    // DINO's loss is the teacher's entropy (which centring raises early on) plus the student's KL
    // from the teacher: the KL is what the student learns, and it falls.
    List<String> x = new ArrayList<>(TINY_VIT);
    x.addAll(
        List.of(
            "--out-dim",
            "32",
            "--head-hidden",
            "64",
            "--head-bottleneck",
            "32",
            "--local-crops",
            "2",
            "--lr",
            "5e-3",
            "--drop-path",
            "0"));
    trains("dino", x, "kl", 0);
  }

  @Test
  void simclr() throws Exception {
    List<String> x = new ArrayList<>(TINY_CNN);
    x.addAll(List.of("--proj-hidden", "64", "--proj-dim", "32"));
    trains("simclr", x, "loss", 0);
  }

  @Test
  void mocov3() throws Exception {
    List<String> x = new ArrayList<>(TINY_VIT);
    x.addAll(
        List.of("--proj-hidden", "64", "--proj-dim", "32", "--pred-hidden", "64", "--lr", "1e-3"));
    trains("mocov3", x, "loss", 0);
  }

  @Test
  void mocov2() throws Exception {
    // The queue starts as random unit vectors (easy negatives): the loss rises while real keys
    // replace them during the first epoch, then falls.
    List<String> x = new ArrayList<>(TINY_CNN);
    x.addAll(List.of("--proj-hidden", "64", "--proj-dim", "32", "--queue", "100"));
    trains("mocov2", x, "loss", 1);
  }

  @Test
  void mae() throws Exception {
    List<String> x = new ArrayList<>(TINY_VIT);
    x.addAll(
        List.of(
            "--decoder-dim", "32", "--decoder-depth", "1", "--decoder-heads", "2", "--lr", "2e-3"));
    trains("mae", x, "loss", 0);
  }

  @Test
  void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
    for (String method : List.of("dino", "mocov2")) {
      List<String> x = new ArrayList<>(method.equals("dino") ? TINY_VIT : TINY_CNN);
      if (method.equals("dino")) {
        // Drop path and the frozen last layer both touch the first epochs.
        x.addAll(
            List.of(
                "--out-dim",
                "32",
                "--head-hidden",
                "64",
                "--head-bottleneck",
                "32",
                "--local-crops",
                "2",
                "--drop-path",
                "0.2",
                "--freeze-last-layer",
                "1"));
      } else {
        x.addAll(List.of("--proj-hidden", "64", "--proj-dim", "32", "--queue", "150"));
      }
      Path straight = dir.resolve(method + "-straight");
      List<String> a = base(straight, method, 3);
      a.addAll(x);
      assertEquals(0, run(a).code());

      Path parts = dir.resolve(method + "-parts");
      List<String> b = base(parts, method, 3);
      b.addAll(x);
      b.addAll(List.of("--stop-at-epoch", "1"));
      assertEquals(0, run(b).code());
      Run resumed =
          run(List.of("--quiet", "train", "--threads", "1", "--resume", parts.toString()));
      assertEquals(0, resumed.code(), resumed.err());
      assertTrue(resumed.out().contains("resuming at step 8"), resumed.out());

      Map<?, ?> m1 = meta(straight);
      Map<?, ?> m2 = meta(parts);
      assertEquals(24L, m1.get("step"));
      // The hash covers every tensor: student, teacher or key encoder, centre or queue,
      // optimizer moments. Equal hashes: bit-identical weights.
      assertEquals(m1.get("sha256"), m2.get("sha256"), method);
      assertEquals(m1.get("optimizer_steps"), m2.get("optimizer_steps"));
      List<Object> l1 = new ArrayList<>();
      List<Object> l2 = new ArrayList<>();
      events(straight, "step").forEach(s -> l1.add(s.get("loss")));
      events(parts, "step").forEach(s -> l2.add(s.get("loss")));
      assertEquals(l1, l2, "the same losses, logged once each");
    }
  }

  static Map<?, ?> meta(Path runDir) throws Exception {
    try (Checkpoint.Reader r = Checkpoint.open(runDir.resolve(Trainer.CHECKPOINT))) {
      return r.meta();
    }
  }

  @Test
  void trainsOnAFolderOfImages() throws Exception {
    Path data = dir.resolve("images");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    for (String cls : List.of("circles", "bars")) {
      Files.createDirectories(data.resolve(cls));
      for (int i = 0; i < 12; i++) {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new java.awt.Color(rnd.nextInt(1 << 24)));
        if (cls.equals("circles")) {
          g.fillOval(5 + rnd.nextInt(10), 5, 15, 15);
        } else {
          g.fillRect(5 + rnd.nextInt(20), 0, 6, 30);
        }
        g.dispose();
        ImageIO.write(img, "png", data.resolve(cls).resolve(i + ".png").toFile());
      }
    }
    Path out = dir.resolve("folder-run");
    Run r =
        run(
            List.of(
                "--quiet",
                "train",
                "--threads",
                "1",
                "--out",
                out.toString(),
                "--method",
                "simclr",
                "--dataset",
                "folder",
                "--data",
                data.toString(),
                "--image-size",
                "16",
                "--batch",
                "8",
                "--epochs",
                "2",
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
    assertTrue(r.out().contains("24 images"), r.out());
    assertTrue(r.out().contains("k-NN monitor off"), r.out());
    assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT)));
  }

  @Test
  void badInputFailsBeforeTrainingWithAMessage() throws Exception {
    Path out = dir.resolve("never");
    Run r = run(List.of("train", "--threads", "1", "--out", out.toString(), "--method", "byol"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: unknown method 'byol'; expected one of dino, simclr, mocov3, mocov2, mae\n",
        r.err());

    r = run(List.of("train", "--threads", "1", "--out", out.toString(), "--arch", "vgg16"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: unknown architecture 'vgg16'; expected one of vit-tiny, vit-small, resnet-tiny,"
            + " resnet-small\n",
        r.err());

    Path empty = Files.createDirectories(dir.resolve("empty/sub"));
    Files.writeString(empty.resolve("notes.txt"), "not an image");
    r =
        run(
            List.of(
                "train",
                "--threads",
                "1",
                "--out",
                out.toString(),
                "--dataset",
                "folder",
                "--data",
                dir.resolve("empty").toString()));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals(
        "edgessl: no images (bmp, gif, jpeg, jpg, png) in "
            + dir.resolve("empty")
            + " or its subfolders\n",
        r.err());
    assertFalse(Files.exists(out), "nothing written before the data is read");

    Path corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    Files.write(corrupt.resolve(Trainer.CHECKPOINT), new byte[] {'P', 'K', 3, 4, 0, 0});
    r = run(List.of("train", "--threads", "1", "--resume", corrupt.toString()));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(
        r.err()
            .startsWith(
                "edgessl: " + corrupt.resolve(Trainer.CHECKPOINT) + ": not a readable checkpoint"),
        r.err());
    assertFalse(r.err().contains("Exception"), r.err());

    r = run(List.of("eval", "knn", "--checkpoint", corrupt.resolve(Trainer.CHECKPOINT).toString()));
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().contains("not a readable checkpoint"), r.err());
  }

  @Test
  void theCollapseGuardStopsTheRunWithAMessage() throws Exception {
    // A threshold no embedding can meet (spread-out unit vectors score about 1) trips the guard
    // once it is armed, after the first epoch.
    Path out = dir.resolve("collapse");
    List<String> a = base(out, "simclr", 3);
    a.addAll(TINY_CNN);
    a.addAll(
        List.of(
            "--proj-hidden",
            "16",
            "--proj-dim",
            "8",
            "--collapse-std",
            "10",
            "--collapse-patience",
            "1"));
    Run r = run(a);
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(
        r.err()
            .startsWith(
                "edgessl: training collapsed at epoch 2, step 16: the embeddings' standard"
                    + " deviation across the batch"),
        r.err());
    assertTrue(
        r.err().contains("The last checkpoint is " + out.toAbsolutePath().resolve("checkpoint.pt")),
        r.err());
    assertEquals(8L, meta(out).get("step"), "epoch 1's checkpoint stays");
  }

  @Test
  void resumeRefusesChangedOptions() throws Exception {
    Path out = dir.resolve("r");
    List<String> a = base(out, "simclr", 2);
    a.addAll(TINY_CNN);
    a.addAll(List.of("--proj-hidden", "16", "--proj-dim", "8", "--stop-at-epoch", "1"));
    assertEquals(0, run(a).code());
    Run r = run(List.of("train", "--threads", "1", "--resume", out.toString(), "--lr", "0.1"));
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: a resumed run keeps the options it was started with; cannot change --lr (start a"
            + " new run with --out instead)\n",
        r.err());
    Run again = run(List.of("train", "--threads", "1", "--out", out.toString()));
    assertEquals(EdgeSsl.EXIT_USAGE, again.code());
    assertTrue(again.err().contains("already holds a run"), again.err());
  }

  @Test
  void evalCommandsReadACheckpoint() throws Exception {
    Path out = dir.resolve("e");
    List<String> a = base(out, "simclr", 1);
    a.addAll(TINY_CNN);
    a.addAll(List.of("--proj-hidden", "16", "--proj-dim", "8"));
    assertEquals(0, run(a).code());
    String ckpt = out.resolve(Trainer.CHECKPOINT).toString();
    String data = TestData.fashionMnist().toString();
    Run knn =
        run(
            List.of(
                "--quiet",
                "eval",
                "knn",
                "--checkpoint",
                ckpt,
                "--data",
                data,
                "--train-limit",
                "400",
                "--test-limit",
                "200",
                "--threads",
                "1",
                "--json",
                dir.resolve("k.json").toString()));
    assertEquals(0, knn.code(), knn.err());
    assertTrue(knn.out().contains("simclr resnet-tiny epoch 1"), knn.out());
    Map<?, ?> j = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("k.json")));
    double knnTop1 =
        ((Number) ((Map<?, ?>) ((List<?>) j.get("results")).get(0)).get("top1")).doubleValue();
    // The monitor ran the same protocol on the same bank and queries.
    assertEquals(num(events(out, "knn").get(0), "top1"), knnTop1, 1e-12);

    Run lin =
        run(
            List.of(
                "--quiet",
                "eval",
                "linear",
                "--checkpoint",
                ckpt,
                "--data",
                data,
                "--train-limit",
                "400",
                "--test-limit",
                "200",
                "--epochs",
                "5",
                "--lr",
                "0.1"));
    assertEquals(0, lin.code(), lin.err());
    assertTrue(lin.out().contains("linear probe top-1"), lin.out());
    Run ft =
        run(
            List.of(
                "--quiet",
                "eval",
                "finetune",
                "--checkpoint",
                ckpt,
                "--data",
                data,
                "--train-limit",
                "400",
                "--test-limit",
                "200",
                "--epochs",
                "1",
                "--batch",
                "50"));
    assertEquals(0, ft.code(), ft.err());
    assertTrue(ft.out().contains("fine-tuned top-1"), ft.out());
  }
}
