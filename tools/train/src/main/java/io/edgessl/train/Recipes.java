package io.edgessl.train;

import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.model.EncoderSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference recipes (REFERENCE.md; DINO's {@code main_dino.py}, SimCLR, MoCo v2 / v3, MAE) as
 * defaults of {@link TrainOptions}, and what the resolved options build: the encoder spec and the
 * views of each image.
 *
 * <p>Where a default differs from the reference it is said here and in the option's help: the
 * optimizer is AdamW for every method (SimCLR used LARS, MoCo v2 SGD), with the reference's
 * AdamW-equivalent learning rates where one exists (SimCLR and MoCo v2: lr 1e-3 per 256 images,
 * weight decay 1e-6 and 1e-4). Gaussian blur sigma is in pixels of the output view (0.1–2, as in
 * DINO's PIL radius on 224-pixel crops: at 28 pixels that is a much stronger blur, so small images
 * usually want a smaller range).
 */
public final class Recipes {
  /** The methods. */
  public static final List<String> METHODS = List.of("dino", "simclr", "mocov3", "mocov2", "mae");

  private static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
  private static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

  /** Fashion-MNIST's training-set pixel mean and standard deviation (of pixel / 255). */
  static final double FMNIST_MEAN = 0.2860;

  static final double FMNIST_STD = 0.3530;

  private Recipes() {}

  /** Fills every unset option with the method's default; checks values. */
  public static void resolve(TrainOptions o) {
    o.method = or(o.method, "dino");
    String m = o.method;
    if (!METHODS.contains(m)) {
      throw new IllegalArgumentException(
          "unknown method '" + m + "'; expected one of " + String.join(", ", METHODS));
    }
    boolean dino = m.equals("dino");
    boolean simclr = m.equals("simclr");
    boolean v3 = m.equals("mocov3");
    boolean v2 = m.equals("mocov2");
    boolean mae = m.equals("mae");

    o.dataset = or(o.dataset, "fashion-mnist");
    if (!List.of("fashion-mnist", "folder", "video").contains(o.dataset)) {
      throw new IllegalArgumentException(
          "unknown dataset '" + o.dataset + "'; expected fashion-mnist, folder or video");
    }
    boolean fm = o.dataset.equals("fashion-mnist");
    boolean video = o.dataset.equals("video");
    if (!fm && o.data == null) {
      throw new IllegalArgumentException(
          "--dataset " + o.dataset + " needs --data " + (video ? "PATH" : "DIR"));
    }
    if (video) {
      o.frameStep = or(o.frameStep, 1);
      if (o.frameStep <= 0) {
        throw new IllegalArgumentException("--frame-step must be positive: " + o.frameStep);
      }
      if (o.maxFrames != null && o.maxFrames <= 0) {
        throw new IllegalArgumentException("--max-frames must be positive: " + o.maxFrames);
      }
    } else if (o.frameStep != null || o.maxFrames != null) {
      throw new IllegalArgumentException(
          "--frame-step and --max-frames apply to --dataset video, not " + o.dataset);
    }
    o.imageSize = or(o.imageSize, fm ? 28 : 64);
    o.channels = or(o.channels, fm ? 1 : 3);
    if (o.channels != 1 && o.channels != 3) {
      throw new IllegalArgumentException("--channels must be 1 or 3: " + o.channels);
    }
    o.mean = or(o.mean, o.channels == 1 ? List.of(fm ? FMNIST_MEAN : 0.449) : IMAGENET_MEAN);
    o.std = or(o.std, o.channels == 1 ? List.of(fm ? FMNIST_STD : 0.226) : IMAGENET_STD);
    if (o.mean.size() != o.channels || o.std.size() != o.channels) {
      throw new IllegalArgumentException(
          "--mean and --std need " + o.channels + " values: " + o.mean + ", " + o.std);
    }

    o.arch = or(o.arch, simclr || v2 ? "resnet-tiny" : "vit-tiny");
    EncoderSpec.family(o.arch); // rejects unknown names
    if (mae && EncoderSpec.family(o.arch) != EncoderSpec.Family.VIT) {
      throw new IllegalArgumentException(
          "mae needs a ViT (--arch vit-tiny or vit-small): " + o.arch);
    }
    o.posEmbed = or(o.posEmbed, mae ? "sincos" : "learned");
    o.dropPath = or(o.dropPath, dino ? 0.1 : 0.0);
    o.fusedAttention = or(o.fusedAttention, false);
    o.channelsLast = or(o.channelsLast, true);

    o.epochs = or(o.epochs, 100);
    o.batch = or(o.batch, 64);
    o.lr = or(o.lr, dino ? 5e-4 : (v3 || mae) ? 1.5e-4 : 1e-3);
    o.minLr = or(o.minLr, dino ? 1e-6 : 0.0);
    o.warmupEpochs = or(o.warmupEpochs, (v3 || mae) ? 40 : 10);
    o.weightDecay = or(o.weightDecay, dino ? 0.04 : v3 ? 0.1 : mae ? 0.05 : simclr ? 1e-6 : 1e-4);
    o.weightDecayEnd = or(o.weightDecayEnd, dino ? 0.4 : o.weightDecay);
    o.betas = or(o.betas, mae ? List.of(0.9, 0.95) : List.of(0.9, 0.999));
    o.clipGrad = or(o.clipGrad, dino ? 3.0 : 0.0);
    o.clipMode = or(o.clipMode, "per-param");
    o.freezeLastLayer = or(o.freezeLastLayer, dino ? 1 : 0);

    o.outDim = or(o.outDim, 65536);
    o.headHidden = or(o.headHidden, 2048);
    o.headBottleneck = or(o.headBottleneck, 256);
    o.headLayers = or(o.headLayers, 3);
    o.headBn = or(o.headBn, false);
    o.normLastLayer = or(o.normLastLayer, true);
    o.momentumTeacher = or(o.momentumTeacher, dino ? 0.996 : v3 ? 0.99 : 0.999);
    o.teacherTemp = or(o.teacherTemp, 0.04);
    o.warmupTeacherTemp = or(o.warmupTeacherTemp, 0.04);
    o.warmupTeacherTempEpochs = or(o.warmupTeacherTempEpochs, 0);
    o.studentTemp = or(o.studentTemp, 0.1);
    o.centerMomentum = or(o.centerMomentum, 0.9);

    o.temperature = or(o.temperature, simclr ? 0.5 : 0.2);
    o.projLayers = or(o.projLayers, v3 ? 3 : 2);
    o.projHidden = or(o.projHidden, v3 ? 4096 : 2048);
    o.projDim = or(o.projDim, v3 ? 256 : 128);
    o.projBn = or(o.projBn, !v2);
    o.predHidden = or(o.predHidden, 4096);
    o.queue = or(o.queue, 65536);

    o.maskRatio = or(o.maskRatio, 0.75);
    o.normPixLoss = or(o.normPixLoss, true);
    o.decoderDim = or(o.decoderDim, 512);
    o.decoderDepth = or(o.decoderDepth, 8);
    o.decoderHeads = or(o.decoderHeads, 16);

    o.cropScale =
        or(
            o.cropScale,
            dino ? List.of(0.4, 1.0) : (simclr || v3) ? List.of(0.08, 1.0) : List.of(0.2, 1.0));
    o.localCrops = or(o.localCrops, dino ? 8 : 0);
    o.localCropScale = or(o.localCropScale, List.of(0.05, 0.4));
    o.rotate = or(o.rotate, 0.0);
    o.flip = or(o.flip, 0.5);
    o.jitterP = or(o.jitterP, mae ? 0.0 : 0.8);
    o.jitter = or(o.jitter, simclr ? List.of(0.8, 0.8, 0.8, 0.2) : List.of(0.4, 0.4, 0.2, 0.1));
    o.grayscaleP = or(o.grayscaleP, mae ? 0.0 : 0.2);
    o.blurP =
        or(
            o.blurP,
            dino
                ? List.of(1.0, 0.1, 0.5)
                : v3 ? List.of(1.0, 0.1) : v2 ? List.of(0.5) : List.of(0.0));
    o.blurSigma = or(o.blurSigma, List.of(0.1, 2.0));
    o.solarizeP =
        or(o.solarizeP, dino ? List.of(0.0, 0.2, 0.0) : v3 ? List.of(0.0, 0.2) : List.of(0.0));

    o.seed = or(o.seed, 0L);
    o.logEvery = or(o.logEvery, 20);
    o.checkpointEvery = or(o.checkpointEvery, 0);
    o.keepEvery = or(o.keepEvery, 0);
    o.knnEvery = or(o.knnEvery, 1);
    o.knnBank = or(o.knnBank, 10000);
    o.knnQueries = or(o.knnQueries, 2000);
    o.knnK = or(o.knnK, 20);
    o.knnT = or(o.knnT, 0.07);
    o.collapseStd = or(o.collapseStd, 0.05);
    o.collapsePatience = or(o.collapsePatience, 5);

    EncoderSpec spec = encoderSpec(o); // checks the architecture options
    o.localSize = or(o.localSize, defaultLocalSize(o.imageSize, spec));
    check(o, spec);
  }

  private static int defaultLocalSize(int imageSize, EncoderSpec spec) {
    int unit = spec.family() == EncoderSpec.Family.VIT ? spec.patch() : 1;
    int s = (int) Math.round(imageSize * 96.0 / 224.0 / unit) * unit;
    return Math.max(unit, s);
  }

  private static void check(TrainOptions o, EncoderSpec spec) {
    positive("--epochs", o.epochs);
    positive("--batch", o.batch);
    positive("--log-every", o.logEvery);
    positive("--knn-k", o.knnK);
    positive("--knn-bank", o.knnBank);
    positive("--knn-queries", o.knnQueries);
    nonNegative("--warmup-epochs", o.warmupEpochs);
    nonNegative("--checkpoint-every", o.checkpointEvery);
    nonNegative("--keep-every", o.keepEvery);
    nonNegative("--knn-every", o.knnEvery);
    nonNegative("--local-crops", o.localCrops);
    nonNegative("--freeze-last-layer", o.freezeLastLayer);
    nonNegative("--warmup-teacher-temp-epochs", o.warmupTeacherTempEpochs);
    if (!(o.lr > 0) || !(o.minLr >= 0)) {
      throw new IllegalArgumentException(
          "learning rates must be positive: " + o.lr + ", " + o.minLr);
    }
    if (!(o.teacherTemp > 0 && o.warmupTeacherTemp > 0 && o.studentTemp > 0 && o.temperature > 0)) {
      throw new IllegalArgumentException("temperatures must be positive");
    }
    if (!(o.momentumTeacher >= 0 && o.momentumTeacher <= 1)) {
      throw new IllegalArgumentException(
          "--momentum-teacher must be in [0, 1]: " + o.momentumTeacher);
    }
    if (!(o.maskRatio > 0 && o.maskRatio < 1)) {
      throw new IllegalArgumentException("--mask-ratio must be in (0, 1): " + o.maskRatio);
    }
    if (o.betas.size() != 2) {
      throw new IllegalArgumentException("--betas needs two values: " + o.betas);
    }
    if (!o.clipMode.equals("per-param") && !o.clipMode.equals("global")) {
      throw new IllegalArgumentException(
          "unknown --clip-mode '" + o.clipMode + "'; expected per-param or global");
    }
    pair("--crop-scale", o.cropScale);
    pair("--local-crop-scale", o.localCropScale);
    pair("--blur-sigma", o.blurSigma);
    if (o.jitter.size() != 4) {
      throw new IllegalArgumentException(
          "--jitter needs brightness,contrast,saturation,hue: " + o.jitter);
    }
    if (spec.family() == EncoderSpec.Family.VIT
        && o.localCrops > 0
        && o.localSize % spec.patch() != 0) {
      throw new IllegalArgumentException(
          "--local-size " + o.localSize + " is not a multiple of the patch size " + spec.patch());
    }
    if (o.method.equals("mocov2") && o.queue % o.batch != 0) {
      throw new IllegalArgumentException(
          "--queue " + o.queue + " must be a multiple of --batch " + o.batch);
    }
    views(o); // checks the view parameters
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
  }

  private static void nonNegative(String name, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + v);
    }
  }

  private static void pair(String name, List<Double> v) {
    if (v.size() != 2) {
      throw new IllegalArgumentException(name + " needs two values (min,max): " + v);
    }
  }

  /** The encoder the resolved options describe. */
  public static EncoderSpec encoderSpec(TrainOptions o) {
    EncoderSpec s = EncoderSpec.preset(o.arch, o.channels, o.imageSize);
    if (s.family() == EncoderSpec.Family.VIT) {
      if (o.patch != null) {
        s = s.withPatch(o.patch);
      } else if (o.imageSize == 28) {
        s = s.withPatch(4);
      }
      if (o.dim != null || o.heads != null) {
        s = s.withWidth(or(o.dim, s.dim()), or(o.heads, s.heads()));
      }
      if (o.depth != null) {
        s = s.withDepth(o.depth);
      }
      if (o.mlpRatio != null) {
        s =
            new EncoderSpec(
                s.arch(),
                s.channels(),
                s.imageSize(),
                s.patch(),
                s.dim(),
                s.depth(),
                s.heads(),
                o.mlpRatio,
                s.posEmbed(),
                s.dropPath(),
                s.widths(),
                s.blocks());
      }
      s = s.withPosEmbed(o.posEmbed).withDropPath(o.dropPath);
    } else if (o.widths != null || o.blocks != null) {
      int[] w =
          o.widths != null ? o.widths.stream().mapToInt(Integer::intValue).toArray() : s.widths();
      int[] b =
          o.blocks != null ? o.blocks.stream().mapToInt(Integer::intValue).toArray() : s.blocks();
      s = s.withStages(w, b);
    }
    return s;
  }

  /**
   * The views of each image, in the order the method reads them: DINO's two global views (the first
   * always blurred, the second rarely, and solarized) then its local crops; two views for SimCLR
   * and MoCo (asymmetric for MoCo v3, as BYOL); one for MAE.
   */
  public static List<ViewSpec> views(TrainOptions o) {
    int kinds =
        switch (o.method) {
          case "dino" -> 3;
          case "mocov3" -> 2;
          default -> 1;
        };
    List<Double> blur = perKind("--blur-p", o.blurP, kinds);
    List<Double> sol = perKind("--solarize-p", o.solarizeP, kinds);
    ViewSpec base =
        new ViewSpec(
            o.imageSize,
            o.cropScale.get(0),
            o.cropScale.get(1),
            o.rotate,
            o.flip,
            o.jitterP,
            o.jitter.get(0),
            o.jitter.get(1),
            o.jitter.get(2),
            o.jitter.get(3),
            o.grayscaleP,
            blur.get(0),
            o.blurSigma.get(0),
            o.blurSigma.get(1),
            sol.get(0));
    List<ViewSpec> out = new ArrayList<>();
    switch (o.method) {
      case "dino" -> {
        out.add(base);
        out.add(base.withBlurSolarize(blur.get(1), sol.get(1)));
        ViewSpec local =
            base.withSizeScale(o.localSize, o.localCropScale.get(0), o.localCropScale.get(1))
                .withBlurSolarize(blur.get(2), sol.get(2));
        for (int i = 0; i < o.localCrops; i++) {
          out.add(local);
        }
      }
      case "mocov3" -> {
        out.add(base);
        out.add(base.withBlurSolarize(blur.get(1), sol.get(1)));
      }
      case "mae" -> out.add(base);
      default -> {
        out.add(base);
        out.add(base);
      }
    }
    return out;
  }

  private static List<Double> perKind(String name, List<Double> v, int kinds) {
    if (v.size() == 1 && kinds > 1) {
      List<Double> l = new ArrayList<>();
      for (int i = 0; i < kinds; i++) {
        l.add(v.get(0));
      }
      return l;
    }
    if (v.size() != kinds) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT, "%s needs 1 or %d values for this method: %s", name, kinds, v));
    }
    return v;
  }

  private static <T> T or(T v, T def) {
    return v != null ? v : def;
  }
}
