package io.edgessl.tools.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.AdamW;
import io.edgessl.train.Schedule;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.data.ImageSet;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.ModelFeatures;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Linear;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
    if (threads <= 0 || epochs <= 0 || batch <= 0 || !(lr > 0) || warmupEpochs < 0) {
      throw new IllegalArgumentException(
          "--threads, --epochs, --batch, --lr must be positive and --warmup-epochs not negative");
    }
    if (cropScale.size() != 2) {
      throw new IllegalArgumentException("--crop-scale needs min,max: " + cropScale);
    }
    PrintWriter out = spec.commandLine().getOut();
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    Torch.threads(threads);
    TrainedEncoder te = TrainedEncoder.load(checkpoint);
    Encoder enc = te.encoder();
    int classes = train.classes().size();
    Group model = new Group();
    model.add("backbone", enc);
    Linear head =
        model.add("head", new Linear(new Init(seed), enc.embedDim(), classes, true, 0.01));
    Map<String, Tensor> params = model.parameters();
    AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8);
    ViewSpec view =
        new ViewSpec(
            train.height(),
            cropScale.get(0),
            cropScale.get(1),
            0,
            0.5,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0.1,
            1,
            0);
    ImageSet set = ImageSet.of(train);
    float[] mean = {te.mean()[0]};
    float[] std = {te.std()[0]};
    out.printf(
        Locale.ROOT,
        "EdgeSSL fine-tuning%n  encoder   %s, %,d parameters + linear head%n",
        te.name(),
        enc.parameterCount());
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
    double top1 = 0;
    try (ViewLoader loader = new ViewLoader(set, List.of(view), mean, std, batch, seed, 1)) {
      int spe = loader.stepsPerEpoch();
      long total = (long) epochs * spe;
      Schedule lrs = new Schedule(lr * batch / 256.0, 1e-6, total, (long) warmupEpochs * spe, 0);
      int[] labels = train.labels();
      int s = train.height();
      for (int epoch = 0; epoch < epochs; epoch++) {
        model.train(true);
        double lossSum = 0;
        try (TerminalProgress p =
            TerminalProgress.start("fine-tune " + (epoch + 1) + "/" + epochs, spe)) {
          for (int it = 0; it < spe; it++) {
            long step = (long) epoch * spe + it;
            float[][] x = loader.load(epoch, it);
            int[] order = loader.order(epoch);
            long[] y = new long[batch];
            for (int i = 0; i < batch; i++) {
              y[i] = labels[order[it * batch + i]];
            }
            try (PointerScope scope = new PointerScope()) {
              for (Tensor t : params.values()) {
                t.mutable_grad().reset();
              }
              Tensor logits = head.forward(enc.forward(Ops.fromFloats(x[0], batch, 1, s, s)));
              Tensor loss =
                  torch.log_softmax(logits, 1).gather(1, Ops.fromLongs(y, batch, 1)).mean().neg();
              lossSum += loss.item_double();
              loss.backward();
              opt.step(lrs.at(step), weightDecay, n -> false);
            }
            p.step(1);
          }
        }
        top1 = accuracy(enc, head, te, test);
        out.printf(
            Locale.ROOT,
            "  epoch %3d  loss %.4f  test top-1 %.2f%%%n",
            epoch + 1,
            lossSum / spe,
            100 * top1);
        out.flush();
      }
    }
    out.printf(Locale.ROOT, "  fine-tuned top-1 %.2f%%%n", 100 * top1);
    out.flush();
    return 0;
  }

  private static double accuracy(Encoder enc, Linear head, TrainedEncoder te, LabelledImages test)
      throws EdgeSslException {
    ModelFeatures f = new ModelFeatures(te.name(), enc, te.mean()[0], te.std()[0]);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    float[][] feats;
    try {
      feats = KnnEval.embedAll(f, test, pool, 1, TerminalProgress.SINK);
    } finally {
      pool.shutdownNow();
    }
    int correct = 0;
    int d = enc.embedDim();
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      float[] x = new float[feats.length * d];
      for (int i = 0; i < feats.length; i++) {
        System.arraycopy(feats[i], 0, x, i * d, d);
      }
      float[] logits = Ops.toFloats(head.forward(Ops.fromFloats(x, feats.length, d)));
      int c = head.out();
      for (int i = 0; i < feats.length; i++) {
        int best = 0;
        for (int k = 1; k < c; k++) {
          if (logits[i * c + k] > logits[i * c + best]) {
            best = k;
          }
        }
        if (best == test.labels()[i]) {
          correct++;
        }
      }
    }
    return (double) correct / test.count();
  }
}
