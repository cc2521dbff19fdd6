package io.edgessl.tools.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.internal.io.Json;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.Checkpoint;
import io.edgessl.train.GitInfo;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.TrainData;
import io.edgessl.train.Trainer;
import io.edgessl.train.TrainingFailedException;
import io.edgessl.train.nn.Torch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl train}: self-supervised training of an encoder on libtorch. Prints the git commit
 * and every resolved option, then trains, logging to {@code OUT/train.jsonl} and checkpointing to
 * {@code OUT/checkpoint.pt} after every epoch; {@code --resume OUT} continues a stopped run
 * exactly.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train an encoder without labels: DINO, SimCLR, MoCo v3, MoCo v2 or MAE, each with its"
          + " reference recipe as defaults (every knob below overrides one).",
      "Writes OUT/train.jsonl (JSON lines: loss, learning rate, throughput, k-NN monitor),"
          + " OUT/checkpoint.pt (after every epoch, atomically), OUT/loss.png and OUT/knn.png.",
      "Resume a stopped run with: edgessl train --resume OUT --threads N"
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory (created); must not hold a run already.")
  Path outDir;

  @Option(
      names = "--resume",
      paramLabel = "DIR|FILE",
      description =
          "Continue the run in DIR (its checkpoint.pt) or from a checkpoint FILE, with the options"
              + " it was started with. With the same --threads on the same machine the result is"
              + " bit-identical to a run that never stopped.")
  Path resume;

  @Option(
      names = "--threads",
      required = true,
      description =
          "libtorch threads (required: its default is many times slower on small machines; on 2"
              + " vCPUs ViTs ran fastest with 1, CNNs with 2).")
  int threads;

  @Option(
      names = "--loader-threads",
      defaultValue = "1",
      description = "Java threads making augmented views. Default: ${DEFAULT-VALUE}.")
  int loaderThreads;

  @Option(
      names = "--stop-at-epoch",
      paramLabel = "E",
      description =
          "Stop after epoch E (checkpointed) although the schedules span --epochs: a run in parts.")
  Integer stopAtEpoch;

  @Mixin TrainFlags flags;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException, TrainingFailedException {
    PrintWriter out = spec.commandLine().getOut();
    if (threads <= 0 || loaderThreads <= 0) {
      throw new IllegalArgumentException(
          "--threads and --loader-threads must be positive: " + threads + ", " + loaderThreads);
    }
    if (stopAtEpoch != null && stopAtEpoch <= 0) {
      throw new IllegalArgumentException("--stop-at-epoch must be positive: " + stopAtEpoch);
    }
    TrainConfig c;
    Checkpoint.Reader ckpt = null;
    Path dir;
    if (resume != null) {
      if (outDir != null) {
        throw new IllegalArgumentException(
            "--resume continues in the checkpoint's directory; drop --out");
      }
      Path file = Files.isDirectory(resume) ? resume.resolve(Trainer.CHECKPOINT) : resume;
      dir = file.toAbsolutePath().getParent();
      ckpt = Checkpoint.open(file);
      try {
        c = TrainConfig.resume((Map<?, ?>) ckpt.meta().get("options"), flags.overrides());
      } catch (RuntimeException e) {
        ckpt.close();
        throw e;
      }
    } else {
      if (outDir == null) {
        throw new IllegalArgumentException("--out DIR is required (or --resume DIR)");
      }
      c = TrainConfig.resolve(flags.overrides());
      dir = outDir.toAbsolutePath();
      if (Files.exists(dir.resolve(Trainer.CHECKPOINT))) {
        throw new IllegalArgumentException(
            dir
                + " already holds a run (checkpoint.pt); continue it with --resume "
                + dir
                + " or choose another --out");
      }
    }
    try {
      String commit = GitInfo.commit();
      printHeader(out, commit, c, dir);
      // The data is read before any model is built: a bad directory fails here.
      TrainData data = TrainData.load(c, Math.max(threads, loaderThreads));
      int batch = c.optim().batch();
      if (batch > data.train().count()) {
        throw new IllegalArgumentException(
            "--batch "
                + batch
                + " is larger than the "
                + data.train().count()
                + " training images");
      }
      if (resume == null) {
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw new EdgeSslException(
              ErrorCode.IO, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        writeCommand(dir, commit, c);
      }
      Trainer t =
          new Trainer(
              c,
              data,
              dir,
              threads,
              loaderThreads,
              stopAtEpoch,
              ckpt,
              commit,
              out,
              TerminalProgress.SINK);
      Trainer.Result r = t.run();
      out.printf(
          Locale.ROOT,
          "stopped after epoch %d of %d (step %,d)%s; checkpoint %s, log %s%n",
          r.epochs(),
          c.optim().epochs(),
          r.steps(),
          r.lastKnnTop1() != null
              ? String.format(Locale.ROOT, ", k-NN monitor %.2f%%", 100 * r.lastKnnTop1())
              : "",
          r.checkpoint(),
          dir.resolve(Trainer.LOG));
      out.flush();
      return 0;
    } finally {
      if (ckpt != null) {
        ckpt.close();
      }
    }
  }

  private void printHeader(PrintWriter out, String commit, TrainConfig c, Path dir) {
    out.printf(
        Locale.ROOT, "edgessl train, commit %s, libtorch presets %s%n", commit, Torch.version());
    out.printf(
        Locale.ROOT,
        "  --out %s --threads %d --loader-threads %d%s%n",
        dir,
        threads,
        loaderThreads,
        stopAtEpoch != null ? " --stop-at-epoch " + stopAtEpoch : "");
    for (Map.Entry<String, Object> e : c.toJson().entrySet()) {
      out.printf(Locale.ROOT, "  --%s %s%n", e.getKey().replace('_', '-'), format(e.getValue()));
    }
    out.flush();
  }

  private static String format(Object v) {
    if (v instanceof List<?> l) {
      List<String> s = new ArrayList<>();
      l.forEach(x -> s.add(String.valueOf(x)));
      return String.join(",", s);
    }
    return String.valueOf(v);
  }

  /** Writes OUT/command.json: the resolved options and commit, for provenance. */
  private static void writeCommand(Path dir, String commit, TrainConfig c) throws EdgeSslException {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("commit", commit);
    m.put("options", c.toJson());
    Path f = dir.resolve("command.json");
    try {
      AtomicFiles.write(f, Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + f + ": " + e.getMessage(), e);
    }
  }
}
