package io.edgessl.tools.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.Finetune;
import io.edgessl.train.nn.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl eval finetune}: fine-tunes a checkpoint's whole backbone with a linear head on the
 * labelled training split (random resized crops and flips, AdamW on a cosine with warm-up,
 * cross-entropy) and reports top-1 on the test split after every epoch.
 */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Fine-tune the whole encoder with a linear head on the labelled training split; reports test"
            + " top-1 after every epoch.")
public final class FinetuneCommand implements Callable<Integer> {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "Training checkpoint.")
  Path checkpoint;

  @Mixin DatasetOptions dataset;

  @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "5e-4",
      description = "Peak AdamW learning rate per 256 images. Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(names = "--warmup-epochs", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  int warmupEpochs;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.05",
      description = "Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(
      names = "--crop-scale",
      split = ",",
      defaultValue = "0.5,1",
      description = "Training crop area range. Default: ${DEFAULT-VALUE}.")
  List<Double> cropScale;

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
    Finetune.Config c =
        new Finetune.Config(epochs, batch, lr, warmupEpochs, weightDecay, cropScale, seed);
    PrintWriter out = spec.commandLine().getOut();
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    Torch.threads(threads);
    TrainedEncoder te = TrainedEncoder.load(checkpoint);
    out.printf(
        Locale.ROOT,
        "EdgeSSL fine-tuning%n  encoder   %s, %,d parameters + linear head%n",
        te.name(),
        te.encoder().parameterCount());
    out.printf(
        Locale.ROOT,
        "  data      %,d train / %,d test images from %s%n",
        train.count(),
        test.count(),
        dataset.directory());
    out.printf(
        Locale.ROOT,
        "  AdamW     lr %s x %d/256, warm-up %d epochs, cosine, weight decay %s, %d epochs%n",
        lr,
        batch,
        warmupEpochs,
        weightDecay,
        epochs);
    out.flush();
    double top1 =
        Finetune.run(
            te.encoder(),
            te.mean()[0],
            te.std()[0],
            train,
            test,
            c,
            TerminalProgress.SINK,
            (epoch, loss, acc) -> {
              out.printf(
                  Locale.ROOT,
                  "  epoch %3d  loss %.4f  test top-1 %.2f%%%n",
                  epoch,
                  loss,
                  100 * acc);
              out.flush();
            });
    out.printf(Locale.ROOT, "  fine-tuned top-1 %.2f%%%n", 100 * top1);
    out.flush();
    return 0;
  }
}
