package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.train.AdamW;
import io.edgessl.train.Progress;
import io.edgessl.train.Schedule;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.data.ImageSet;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Linear;
import io.edgessl.train.nn.Ops;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Fine-tuning of a whole backbone with a linear head on labelled grey images: random resized crops
 * and flips, AdamW on a cosine with warm-up (to 1e-6), cross-entropy; top-1 on the test images
 * after every epoch. Trains {@code encoder} in place.
 */
public final class Finetune {
  /**
   * The recipe.
   *
   * @param epochs epochs
   * @param batch images per step
   * @param lr peak AdamW learning rate per 256 images
   * @param warmupEpochs linear warm-up
   * @param weightDecay AdamW weight decay
   * @param cropScale training crop area range (min, max)
   * @param seed seed of the head, data order and crops
   */
  public record Config(
      int epochs,
      int batch,
      double lr,
      int warmupEpochs,
      double weightDecay,
      List<Double> cropScale,
      long seed) {
    /** The defaults: 10 epochs of 128, lr 5e-4, 1 warm-up epoch, weight decay 0.05, crops 0.5–1. */
    public static final Config DEFAULTS = new Config(10, 128, 5e-4, 1, 0.05, List.of(0.5, 1.0), 0);

    public Config {
      if (epochs <= 0 || batch <= 0 || !(lr > 0) || warmupEpochs < 0) {
        throw new IllegalArgumentException(
            "--epochs, --batch, --lr must be positive and --warmup-epochs not negative");
      }
      if (cropScale.size() != 2) {
        throw new IllegalArgumentException("--crop-scale needs min,max: " + cropScale);
      }
      cropScale = List.copyOf(cropScale);
    }
  }

  /** Called after each epoch with its 1-based number, mean training loss and test top-1. */
  @FunctionalInterface
  public interface EpochListener {
    void epochDone(int epoch, double loss, double top1);
  }

  private Finetune() {}

  /**
   * Fine-tunes {@code encoder} (inputs normalized by {@code mean} and {@code std}) with a new
   * linear head on {@code train}; returns the last epoch's top-1 on {@code test}.
   */
  public static double run(
      Encoder encoder,
      float mean,
      float std,
      LabelledImages train,
      LabelledImages test,
      Config c,
      Progress progress,
      EpochListener listener)
      throws EdgeSslException {
    int classes = train.classes().size();
    int batch = c.batch();
    Group model = new Group();
    model.add("backbone", encoder);
    Linear head =
        model.add("head", new Linear(new Init(c.seed()), encoder.embedDim(), classes, true, 0.01));
    Map<String, Tensor> params = model.parameters();
    AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8);
    ViewSpec view =
        new ViewSpec(
            train.height(),
            c.cropScale().get(0),
            c.cropScale().get(1),
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
    double top1 = 0;
    try (ViewLoader loader =
        new ViewLoader(
            set, List.of(view), new float[] {mean}, new float[] {std}, batch, c.seed(), 1)) {
      int spe = loader.stepsPerEpoch();
      long total = (long) c.epochs() * spe;
      Schedule lrs =
          new Schedule(c.lr() * batch / 256.0, 1e-6, total, (long) c.warmupEpochs() * spe, 0);
      int[] labels = train.labels();
      int s = train.height();
      for (int epoch = 0; epoch < c.epochs(); epoch++) {
        model.train(true);
        double lossSum = 0;
        try (Progress.Task p = progress.start("fine-tune " + (epoch + 1) + "/" + c.epochs(), spe)) {
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
              Tensor logits = head.forward(encoder.forward(Ops.fromFloats(x[0], batch, 1, s, s)));
              Tensor loss =
                  torch.log_softmax(logits, 1).gather(1, Ops.fromLongs(y, batch, 1)).mean().neg();
              lossSum += loss.item_double();
              loss.backward();
              opt.step(lrs.at(step), c.weightDecay(), n -> false);
            }
            p.step(1);
          }
        }
        top1 = accuracy(encoder, head, mean, std, test, progress);
        listener.epochDone(epoch + 1, lossSum / spe, top1);
      }
    }
    return top1;
  }

  private static double accuracy(
      Encoder enc, Linear head, float mean, float std, LabelledImages test, Progress progress)
      throws EdgeSslException {
    ModelFeatures f = new ModelFeatures("fine-tuned", enc, mean, std);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    float[][] feats;
    try {
      feats = KnnEval.embedAll(f, test, pool, 1, progress);
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
      int k = head.out();
      for (int i = 0; i < feats.length; i++) {
        if (LinearProbe.argmax(logits, i * k, k) == test.labels()[i]) {
          correct++;
        }
      }
    }
    return (double) correct / test.count();
  }
}
