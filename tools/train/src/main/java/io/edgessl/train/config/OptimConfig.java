package io.edgessl.train.config;

import java.util.List;
import java.util.Map;

/**
 * The optimization: AdamW on schedules spanning {@code epochs}.
 *
 * @param epochs epochs the schedules span
 * @param batch images per step
 * @param lr peak learning rate per 256 images (scaled by batch / 256)
 * @param minLr final learning rate of the cosine
 * @param warmupEpochs linear learning-rate warm-up
 * @param weightDecay weight decay at the start
 * @param weightDecayEnd weight decay at the end (cosine)
 * @param betas AdamW's two betas
 * @param clipGrad gradient clipping norm, 0 off
 * @param clipMode {@code per-param} (each tensor's norm, DINO's) or {@code global}
 * @param momentumTeacher EMA momentum of a teacher or momentum encoder (rises to 1 on a cosine,
 *     unless the method keeps it constant)
 */
public record OptimConfig(
    int epochs,
    int batch,
    double lr,
    double minLr,
    int warmupEpochs,
    double weightDecay,
    double weightDecayEnd,
    List<Double> betas,
    double clipGrad,
    String clipMode,
    double momentumTeacher) {
  public static final Key<Integer> EPOCHS = Key.integer("epochs");
  public static final Key<Integer> BATCH = Key.integer("batch");
  public static final Key<Double> LR = Key.real("lr");
  public static final Key<Double> MIN_LR = Key.real("min_lr");
  public static final Key<Integer> WARMUP_EPOCHS = Key.integer("warmup_epochs");
  public static final Key<Double> WEIGHT_DECAY = Key.real("weight_decay");
  public static final Key<Double> WEIGHT_DECAY_END = Key.real("weight_decay_end");
  public static final Key<List<Double>> BETAS = Key.reals("betas");
  public static final Key<Double> CLIP_GRAD = Key.real("clip_grad");
  public static final Key<String> CLIP_MODE = Key.string("clip_mode");
  public static final Key<Double> MOMENTUM_TEACHER = Key.real("momentum_teacher");

  /** The keys, in JSON order. */
  public static final List<Key<?>> KEYS =
      List.of(
          EPOCHS,
          BATCH,
          LR,
          MIN_LR,
          WARMUP_EPOCHS,
          WEIGHT_DECAY,
          WEIGHT_DECAY_END,
          BETAS,
          CLIP_GRAD,
          CLIP_MODE,
          MOMENTUM_TEACHER);

  public OptimConfig {
    betas = List.copyOf(betas);
  }

  /**
   * Defaults (methods' recipes change most): 100 epochs of 64 images, lr 1e-3, no minimum, 10
   * warm-up epochs, weight decay 1e-4 constant, betas 0.9, 0.999, no clipping, momentum 0.999.
   */
  public static OptimConfig resolve(Overrides o) {
    double wd = o.get(WEIGHT_DECAY, 1e-4);
    OptimConfig c =
        new OptimConfig(
            o.get(EPOCHS, 100),
            o.get(BATCH, 64),
            o.get(LR, 1e-3),
            o.get(MIN_LR, 0.0),
            o.get(WARMUP_EPOCHS, 10),
            wd,
            o.get(WEIGHT_DECAY_END, wd),
            o.get(BETAS, List.of(0.9, 0.999)),
            o.get(CLIP_GRAD, 0.0),
            o.get(CLIP_MODE, "per-param"),
            o.get(MOMENTUM_TEACHER, 0.999));
    Checks.positive(EPOCHS, c.epochs);
    Checks.positive(BATCH, c.batch);
    Checks.nonNegative(WARMUP_EPOCHS, c.warmupEpochs);
    if (!(c.lr > 0) || !(c.minLr >= 0)) {
      throw new IllegalArgumentException(
          "learning rates must be positive: " + c.lr + ", " + c.minLr);
    }
    if (!(c.momentumTeacher >= 0 && c.momentumTeacher <= 1)) {
      throw new IllegalArgumentException(
          "--momentum-teacher must be in [0, 1]: " + c.momentumTeacher);
    }
    if (c.betas.size() != 2) {
      throw new IllegalArgumentException("--betas needs two values: " + c.betas);
    }
    if (!c.clipMode.equals("per-param") && !c.clipMode.equals("global")) {
      throw new IllegalArgumentException(
          "unknown --clip-mode '" + c.clipMode + "'; expected per-param or global");
    }
    return c;
  }

  /** The learning rate at the top of the schedule: {@code lr * batch / 256}. */
  public double peakLr() {
    return lr * batch / 256.0;
  }

  /** Writes the knobs into a flat JSON map. */
  public void toJsonInto(Map<String, Object> m) {
    Object[] v = {
      epochs,
      batch,
      lr,
      minLr,
      warmupEpochs,
      weightDecay,
      weightDecayEnd,
      betas,
      clipGrad,
      clipMode,
      momentumTeacher
    };
    for (int i = 0; i < v.length; i++) {
      Overrides.put(m, KEYS.get(i), v[i]);
    }
  }
}
