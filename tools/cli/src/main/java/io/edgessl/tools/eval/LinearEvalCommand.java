package io.edgessl.tools.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.LinearProbe;
import io.edgessl.train.eval.ModelFeatures;
import io.edgessl.train.nn.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl eval linear}: a linear probe on the frozen features of a training checkpoint, by
 * DINO's recipe ({@link LinearProbe}); reports top-1 on the test split.
 */
@Command(
    name = "linear",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Linear probe on frozen features (DINO's eval_linear recipe: SGD, momentum 0.9, no weight"
          + " decay, cosine schedule, lr * batch / 256); reports top-1 on the test split.",
      "Differs from DINO's script in one named way: features are computed once from the"
          + " unaugmented images (DINO recomputes them every epoch from random crops and flips),"
          + " which makes the probe cheap on a CPU."
    })
public final class LinearEvalCommand implements Callable<Integer> {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "Training checkpoint.")
  Path checkpoint;

  @Mixin DatasetOptions dataset;

  @Option(
      names = "--epochs",
      defaultValue = "100",
      description = "Default: ${DEFAULT-VALUE} (DINO's).")
  int epochs;

  @Option(names = "--batch", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.001",
      description = "Learning rate per 256 images (DINO's default). Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
  double momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "0",
      description = "Default: ${DEFAULT-VALUE} (DINO's).")
  double weightDecay;

  @Option(
      names = "--last-blocks",
      defaultValue = "1",
      description =
          "ViT: concatenate the [CLS] of the last N blocks (DINO uses 4 for ViT-S/16). Default: ${DEFAULT-VALUE}.")
  int lastBlocks;

  @Option(
      names = "--avgpool",
      description = "ViT: also append the mean patch token (DINO's avgpool_patchtokens).")
  boolean avgPool;

  @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "libtorch threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    if (threads <= 0) {
      throw new IllegalArgumentException("--threads must be positive: " + threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    Torch.threads(threads);
    TrainedEncoder te = TrainedEncoder.load(checkpoint);
    ModelFeatures f =
        new ModelFeatures(te.name(), te.encoder(), te.mean()[0], te.std()[0], lastBlocks, avgPool);
    int dim = f.dimension();
    long t0 = System.nanoTime();
    float[] xTrain = LinearProbe.embed(f, train, TerminalProgress.SINK);
    float[] xTest = LinearProbe.embed(f, test, TerminalProgress.SINK);
    double embedSecs = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "EdgeSSL linear probe (DINO recipe, frozen features)%n");
    out.printf(
        Locale.ROOT,
        "  encoder   %s, %d features (last %d blocks%s)%n",
        te.name(),
        dim,
        lastBlocks,
        avgPool ? " + avgpool" : "");
    out.printf(
        Locale.ROOT,
        "  data      %,d train / %,d test images from %s%n",
        train.count(),
        test.count(),
        dataset.directory());
    out.printf(
        Locale.ROOT,
        "  features  %.1f s; SGD lr %s x %d/256, momentum %s, weight decay %s, %d epochs%n",
        embedSecs,
        lr,
        batch,
        momentum,
        weightDecay,
        epochs);
    out.flush();
    LinearProbe probe = new LinearProbe(dim, train.classes().size(), seed);
    long t1 = System.nanoTime();
    probe.train(
        xTrain,
        train.labels(),
        epochs,
        batch,
        lr,
        momentum,
        weightDecay,
        seed,
        e -> {
          if (e % 10 == 0 || e == epochs) {
            out.printf(
                Locale.ROOT,
                "  epoch %3d  test top-1 %.2f%%%n",
                e,
                100 * probe.accuracy(xTest, test.labels()));
            out.flush();
          }
        });
    double top1 = probe.accuracy(xTest, test.labels());
    out.printf(
        Locale.ROOT,
        "  linear probe top-1 %.2f%% (train %.2f%%), %.1f s%n",
        100 * top1,
        100 * probe.accuracy(xTrain, train.labels()),
        (System.nanoTime() - t1) / 1e9);
    out.flush();
    return 0;
  }
}
