package io.edgessl.train;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Every knob of a training run. Options left unset take the default of the chosen method's
 * reference recipe ({@link Recipes}); after {@link Recipes#resolve} every field is set, and the
 * whole set is printed at the start, logged, and saved in each checkpoint, from which a resumed run
 * restores it. Field names are the long option names in camel case; JSON keys are them in snake
 * case.
 */
public final class TrainOptions {
  // ---- What to train on -------------------------------------------------------------------
  @Option(
      names = "--dataset",
      description =
          "fashion-mnist (IDX files; labels are ignored), folder (images, see --data) or video"
              + " (frames of YUV4MPEG2 .y4m videos).")
  public String dataset;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description =
          "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist), image folder (with"
              + " --dataset folder: images, or class subfolders of images) or, with --dataset"
              + " video, a .y4m file or a directory of them (read in name order).")
  public Path data;

  @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N images.")
  public Integer trainLimit;

  @Option(
      names = "--frame-step",
      paramLabel = "N",
      description = "--dataset video: take every N-th frame (0, N, 2N, ...). Default: 1.")
  public Integer frameStep;

  @Option(
      names = "--max-frames",
      paramLabel = "N",
      description = "--dataset video: take at most N frames from each video. Default: all.")
  public Integer maxFrames;

  @Option(
      names = "--image-size",
      description =
          "Training resolution (global crops). Default: 28 for Fashion-MNIST, 64 for folders and"
              + " videos.")
  public Integer imageSize;

  @Option(
      names = "--channels",
      description = "1 (grey) or 3 (RGB). Default: 1 Fashion-MNIST, 3 folders and videos.")
  public Integer channels;

  @Option(
      names = "--mean",
      split = ",",
      description =
          "Per-channel mean for input normalization. Default: 0.2860 (Fashion-MNIST), ImageNet's for RGB.")
  public List<Double> mean;

  @Option(
      names = "--std",
      split = ",",
      description = "Per-channel std. Default: 0.3530, ImageNet's for RGB.")
  public List<Double> std;

  // ---- Architecture -----------------------------------------------------------------------
  @Option(
      names = "--arch",
      description =
          "vit-tiny, vit-small, resnet-tiny or resnet-small. Default: vit-tiny (resnet-tiny for simclr, mocov2).")
  public String arch;

  @Option(
      names = "--patch",
      description = "ViT patch size (4, 8, 16). Default: 4 at 28 px, else 16.")
  public Integer patch;

  @Option(names = "--dim", description = "ViT width. Default: the preset's (192 tiny, 384 small).")
  public Integer dim;

  @Option(names = "--heads", description = "ViT heads. Default: the preset's (3 tiny, 6 small).")
  public Integer heads;

  @Option(names = "--depth", description = "ViT blocks. Default: 12.")
  public Integer depth;

  @Option(names = "--mlp-ratio", description = "ViT MLP width ratio. Default: 4.")
  public Double mlpRatio;

  @Option(
      names = "--pos-embed",
      description =
          "ViT positions: learned (DINO) or sincos (MAE). Default: learned; sincos for mae.")
  public String posEmbed;

  @Option(
      names = "--drop-path",
      description = "ViT stochastic depth rate (student). Default: 0.1 for dino (DINO's), else 0.")
  public Double dropPath;

  @Option(
      names = "--widths",
      split = ",",
      description = "ResNet stage widths. Default: the preset's.")
  public List<Integer> widths;

  @Option(
      names = "--blocks",
      split = ",",
      description = "ResNet blocks per stage. Default: the preset's.")
  public List<Integer> blocks;

  @Option(
      names = "--fused-attention",
      arity = "1",
      description = "ViT: libtorch's fused attention kernel (same function). Default: false.")
  public Boolean fusedAttention;

  @Option(
      names = "--channels-last",
      arity = "1",
      description =
          "ResNet: NHWC activations (same function; usually faster on CPU). Default: true.")
  public Boolean channelsLast;

  // ---- Method -----------------------------------------------------------------------------
  @Option(names = "--method", description = "dino, simclr, mocov3, mocov2 or mae. Default: dino.")
  public String method;

  // ---- Optimization -----------------------------------------------------------------------
  @Option(names = "--epochs", description = "Epochs the schedules span. Default: 100.")
  public Integer epochs;

  @Option(names = "--batch", description = "Images per step. Default: 64 (DINO's per-GPU batch).")
  public Integer batch;

  @Option(
      names = "--lr",
      description =
          "Peak learning rate per 256 images (scaled by batch/256). Default: the method's.")
  public Double lr;

  @Option(names = "--min-lr", description = "Final learning rate of the cosine. Default: 1e-6.")
  public Double minLr;

  @Option(
      names = "--warmup-epochs",
      description = "Linear learning-rate warm-up. Default: the method's.")
  public Integer warmupEpochs;

  @Option(
      names = "--weight-decay",
      description = "AdamW weight decay at the start. Default: the method's.")
  public Double weightDecay;

  @Option(
      names = "--weight-decay-end",
      description =
          "Weight decay at the end (cosine). Default: the method's (0.4 DINO, else constant).")
  public Double weightDecayEnd;

  @Option(
      names = "--betas",
      split = ",",
      description = "AdamW betas. Default: 0.9,0.999 (0.9,0.95 mae).")
  public List<Double> betas;

  @Option(
      names = "--clip-grad",
      description = "Gradient clipping norm; 0 turns it off. Default: 3.0 dino, else 0.")
  public Double clipGrad;

  @Option(
      names = "--clip-mode",
      description =
          "per-param (DINO's clip_gradients: each tensor's norm) or global. Default: per-param.")
  public String clipMode;

  @Option(
      names = "--freeze-last-layer",
      description = "DINO: epochs during which the prototypes are not updated. Default: 1.")
  public Integer freezeLastLayer;

  // ---- DINO -------------------------------------------------------------------------------
  @Option(names = "--out-dim", description = "DINO prototypes K. Default: 65536.")
  public Integer outDim;

  @Option(names = "--head-hidden", description = "DINO head hidden width. Default: 2048.")
  public Integer headHidden;

  @Option(names = "--head-bottleneck", description = "DINO head bottleneck. Default: 256.")
  public Integer headBottleneck;

  @Option(names = "--head-layers", description = "DINO head MLP layers. Default: 3.")
  public Integer headLayers;

  @Option(
      names = "--head-bn",
      arity = "1",
      description = "Batch norm in the DINO head. Default: false.")
  public Boolean headBn;

  @Option(
      names = "--norm-last-layer",
      arity = "1",
      description = "DINO: fix the prototypes' weight-norm scale to 1. Default: true.")
  public Boolean normLastLayer;

  @Option(
      names = "--momentum-teacher",
      description =
          "EMA momentum of the teacher (DINO 0.996, MoCo v3 0.99; rises to 1 on a cosine; MoCo v2 0.999 constant).")
  public Double momentumTeacher;

  @Option(
      names = "--teacher-temp",
      description = "DINO teacher temperature after warm-up. Default: 0.04.")
  public Double teacherTemp;

  @Option(
      names = "--warmup-teacher-temp",
      description = "DINO teacher temperature at the start. Default: 0.04.")
  public Double warmupTeacherTemp;

  @Option(
      names = "--warmup-teacher-temp-epochs",
      description = "DINO teacher temperature warm-up. Default: 0.")
  public Integer warmupTeacherTempEpochs;

  @Option(names = "--student-temp", description = "DINO student temperature. Default: 0.1.")
  public Double studentTemp;

  @Option(names = "--center-momentum", description = "DINO centre EMA momentum. Default: 0.9.")
  public Double centerMomentum;

  // ---- SimCLR / MoCo ----------------------------------------------------------------------
  @Option(
      names = "--temperature",
      description =
          "Contrastive temperature. Default: 0.5 simclr (small images), 0.2 mocov3 and mocov2.")
  public Double temperature;

  @Option(
      names = "--proj-layers",
      description = "Projector layers. Default: 2 simclr, 3 mocov3, 2 mocov2.")
  public Integer projLayers;

  @Option(
      names = "--proj-hidden",
      description = "Projector hidden width. Default: 2048 simclr, mocov2; 4096 mocov3.")
  public Integer projHidden;

  @Option(
      names = "--proj-dim",
      description = "Projection size. Default: 128 simclr, mocov2; 256 mocov3.")
  public Integer projDim;

  @Option(
      names = "--proj-bn",
      arity = "1",
      description = "Batch norm in the projector. Default: true simclr, mocov3; false mocov2.")
  public Boolean projBn;

  @Option(names = "--pred-hidden", description = "MoCo v3 predictor hidden width. Default: 4096.")
  public Integer predHidden;

  @Option(names = "--queue", description = "MoCo v2 queue of negative keys. Default: 65536.")
  public Integer queue;

  // ---- MAE --------------------------------------------------------------------------------
  @Option(names = "--mask-ratio", description = "MAE fraction of patches masked. Default: 0.75.")
  public Double maskRatio;

  @Option(
      names = "--norm-pix-loss",
      arity = "1",
      description = "MAE per-patch normalized targets. Default: true.")
  public Boolean normPixLoss;

  @Option(names = "--decoder-dim", description = "MAE decoder width. Default: 512.")
  public Integer decoderDim;

  @Option(names = "--decoder-depth", description = "MAE decoder blocks. Default: 8.")
  public Integer decoderDepth;

  @Option(names = "--decoder-heads", description = "MAE decoder heads. Default: 16.")
  public Integer decoderHeads;

  // ---- Augmentation -----------------------------------------------------------------------
  @Option(
      names = "--crop-scale",
      split = ",",
      description =
          "Crop area range of the global views. Default: 0.4,1 dino; 0.08,1 simclr, mocov3; 0.2,1 mocov2, mae.")
  public List<Double> cropScale;

  @Option(names = "--local-crops", description = "DINO local crops per image. Default: 8.")
  public Integer localCrops;

  @Option(
      names = "--local-crop-scale",
      split = ",",
      description = "DINO local crop area range. Default: 0.05,0.4.")
  public List<Double> localCropScale;

  @Option(
      names = "--local-size",
      description =
          "DINO local crop side. Default: 96/224 of the image size, rounded to the patch size.")
  public Integer localSize;

  @Option(
      names = "--rotate",
      description = "Random rotation range in degrees (not in the references). Default: 0.")
  public Double rotate;

  @Option(names = "--flip", description = "Horizontal flip probability. Default: 0.5.")
  public Double flip;

  @Option(names = "--jitter-p", description = "Colour jitter probability. Default: 0.8 (0 mae).")
  public Double jitterP;

  @Option(
      names = "--jitter",
      split = ",",
      description =
          "Brightness, contrast, saturation, hue strengths. Default: 0.4,0.4,0.2,0.1 (simclr 0.8,0.8,0.8,0.2).")
  public List<Double> jitter;

  @Option(
      names = "--grayscale-p",
      description = "Grayscale probability (RGB). Default: 0.2 (0 mae).")
  public Double grayscaleP;

  @Option(
      names = "--blur-p",
      split = ",",
      description =
          "Blur probability per view kind: dino global1,global2,local (1,0.1,0.5); mocov3 1,0.1; simclr 0; mocov2 0.5; mae 0.")
  public List<Double> blurP;

  @Option(
      names = "--blur-sigma",
      split = ",",
      description = "Blur sigma range in output pixels. Default: 0.1,2.0.")
  public List<Double> blurSigma;

  @Option(
      names = "--solarize-p",
      split = ",",
      description = "Solarization probability per view kind: dino 0,0.2,0; mocov3 0,0.2; else 0.")
  public List<Double> solarizeP;

  // ---- The run ----------------------------------------------------------------------------
  @Option(
      names = "--seed",
      description = "Seed of weights, data order, views and masks. Default: 0.")
  public Long seed;

  @Option(names = "--log-every", description = "Log a JSON line every N steps. Default: 20.")
  public Integer logEvery;

  @Option(
      names = "--checkpoint-every",
      description =
          "Also checkpoint every N steps within an epoch (0: at the end of each epoch only). Default: 0.")
  public Integer checkpointEvery;

  @Option(
      names = "--keep-every",
      description =
          "Keep a numbered copy of the checkpoint every N epochs (0: only the latest). Default: 0.")
  public Integer keepEvery;

  @Option(
      names = "--knn-every",
      description = "Online k-NN monitor every N epochs (0: off). Default: 1.")
  public Integer knnEvery;

  @Option(
      names = "--knn-bank",
      description = "k-NN monitor: first N labelled training images as the bank. Default: 10000.")
  public Integer knnBank;

  @Option(
      names = "--knn-queries",
      description = "k-NN monitor: first N held-out (test) images. Default: 2000.")
  public Integer knnQueries;

  @Option(names = "--knn-k", description = "k-NN monitor: neighbours. Default: 20.")
  public Integer knnK;

  @Option(names = "--knn-t", description = "k-NN monitor: vote temperature. Default: 0.07.")
  public Double knnT;

  @Option(
      names = "--collapse-std",
      description =
          "Stop when the embedding's std across the batch, times sqrt(dim), stays below this. Default: 0.05.")
  public Double collapseStd;

  @Option(
      names = "--collapse-patience",
      description = "Consecutive logged steps below --collapse-std before stopping. Default: 5.")
  public Integer collapsePatience;

  /**
   * Options that only change how a run executes, not what it computes: free to change on resume.
   */
  public static final Set<String> RUNTIME = Set.of("logEvery", "checkpointEvery", "keepEvery");

  /** The options as a JSON-ready map, snake-case keys, in declaration order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Field f : fields()) {
      Object v = get(f);
      m.put(snake(f.getName()), v instanceof Path p ? p.toString() : v);
    }
    return m;
  }

  /** Sets every field from {@link #toJson()}'s map. */
  public static TrainOptions fromJson(Map<?, ?> m) {
    TrainOptions o = new TrainOptions();
    for (Field f : fields()) {
      Object v = m.get(snake(f.getName()));
      if (v == null) {
        continue;
      }
      Class<?> t = f.getType();
      Object value;
      if (t == String.class) {
        value = v.toString();
      } else if (t == Path.class) {
        value = Path.of(v.toString());
      } else if (t == Integer.class) {
        value = Math.toIntExact(((Number) v).longValue());
      } else if (t == Long.class) {
        value = ((Number) v).longValue();
      } else if (t == Double.class) {
        value = ((Number) v).doubleValue();
      } else if (t == Boolean.class) {
        value = (Boolean) v;
      } else if (t == List.class) {
        boolean ints = f.getGenericType().getTypeName().contains("Integer");
        List<Object> l = new ArrayList<>();
        for (Object e : (List<?>) v) {
          l.add(
              ints
                  ? (Object) Math.toIntExact(((Number) e).longValue())
                  : ((Number) e).doubleValue());
        }
        value = l;
      } else {
        throw new IllegalStateException("unsupported option type " + t);
      }
      set(o, f, value);
    }
    return o;
  }

  /** Names (camel case) of the options set in {@code this} and not null. */
  public List<String> setNames() {
    List<String> out = new ArrayList<>();
    for (Field f : fields()) {
      if (get(f) != null) {
        out.add(f.getName());
      }
    }
    return out;
  }

  /** Copies the non-null options of {@code other} over this one's. */
  public void overlay(TrainOptions other) {
    for (Field f : fields()) {
      Object v = other.get(f);
      if (v != null) {
        set(this, f, v);
      }
    }
  }

  static List<Field> fields() {
    List<Field> out = new ArrayList<>();
    for (Field f : TrainOptions.class.getFields()) {
      if (f.isAnnotationPresent(Option.class)) {
        out.add(f);
      }
    }
    // getFields() has no guaranteed order; declaration order is what users read.
    out.sort(java.util.Comparator.comparingInt(TrainOptions::declarationIndex));
    return out;
  }

  private static final List<String> DECLARED =
      java.util.Arrays.stream(TrainOptions.class.getDeclaredFields()).map(Field::getName).toList();

  private static int declarationIndex(Field f) {
    return DECLARED.indexOf(f.getName());
  }

  /** The long option name of a field, e.g. {@code --mlp-ratio}. */
  public static String optionName(String camel) {
    try {
      return TrainOptions.class.getField(camel).getAnnotation(Option.class).names()[0];
    } catch (NoSuchFieldException e) {
      throw new IllegalArgumentException(camel, e);
    }
  }

  static String snake(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private Object get(Field f) {
    try {
      return f.get(this);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(TrainOptions o, Field f, Object v) {
    try {
      f.set(o, v);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
