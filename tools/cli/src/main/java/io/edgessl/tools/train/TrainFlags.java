package io.edgessl.tools.train;

import io.edgessl.train.TrainConfig;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.method.Dino;
import io.edgessl.train.method.Mae;
import io.edgessl.train.method.MocoV2;
import io.edgessl.train.method.MocoV3;
import io.edgessl.train.method.ProjectorKeys;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The knobs of a training run as command-line options ({@code edgessl train}, {@code edgessl bench
 * train}). Each option is a nullable field, null meaning "not given": {@link #overrides} maps the
 * given ones onto the config's keys, and {@link TrainConfig#resolve} fills the rest from the
 * method's recipe. Option names are the keys in kebab case.
 */
public final class TrainFlags {
  // ---- What to train on -------------------------------------------------------------------
  @Option(
      names = "--dataset",
      description =
          "fashion-mnist (IDX files; labels are ignored), folder (images, see --data) or video"
              + " (frames of YUV4MPEG2 .y4m videos).")
  String dataset;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description =
          "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist), image folder (with"
              + " --dataset folder: images, or class subfolders of images) or, with --dataset"
              + " video, a .y4m file or a directory of them (read in name order).")
  Path data;

  @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N images.")
  Integer trainLimit;

  @Option(
      names = "--frame-step",
      paramLabel = "N",
      description = "--dataset video: take every N-th frame (0, N, 2N, ...). Default: 1.")
  Integer frameStep;

  @Option(
      names = "--max-frames",
      paramLabel = "N",
      description = "--dataset video: take at most N frames from each video. Default: all.")
  Integer maxFrames;

  @Option(
      names = "--image-size",
      description =
          "Training resolution (global crops). Default: 28 for Fashion-MNIST, 64 for folders and"
              + " videos.")
  Integer imageSize;

  @Option(
      names = "--channels",
      description = "1 (grey) or 3 (RGB). Default: 1 Fashion-MNIST, 3 folders and videos.")
  Integer channels;

  @Option(
      names = "--mean",
      split = ",",
      description =
          "Per-channel mean for input normalization. Default: 0.2860 (Fashion-MNIST), ImageNet's for RGB.")
  List<Double> mean;

  @Option(
      names = "--std",
      split = ",",
      description = "Per-channel std. Default: 0.3530, ImageNet's for RGB.")
  List<Double> std;

  // ---- Architecture -----------------------------------------------------------------------
  @Option(
      names = "--arch",
      description =
          "vit-tiny, vit-small, resnet-tiny or resnet-small. Default: vit-tiny (resnet-tiny for simclr, mocov2).")
  String arch;

  @Option(
      names = "--patch",
      description = "ViT patch size (4, 8, 16). Default: 4 at 28 px, else 16.")
  Integer patch;

  @Option(names = "--dim", description = "ViT width. Default: the preset's (192 tiny, 384 small).")
  Integer dim;

  @Option(names = "--heads", description = "ViT heads. Default: the preset's (3 tiny, 6 small).")
  Integer heads;

  @Option(names = "--depth", description = "ViT blocks. Default: 12.")
  Integer depth;

  @Option(names = "--mlp-ratio", description = "ViT MLP width ratio. Default: 4.")
  Double mlpRatio;

  @Option(
      names = "--pos-embed",
      description =
          "ViT positions: learned (DINO) or sincos (MAE). Default: learned; sincos for mae.")
  String posEmbed;

  @Option(
      names = "--drop-path",
      description = "ViT stochastic depth rate (student). Default: 0.1 for dino (DINO's), else 0.")
  Double dropPath;

  @Option(
      names = "--widths",
      split = ",",
      description = "ResNet stage widths. Default: the preset's.")
  List<Integer> widths;

  @Option(
      names = "--blocks",
      split = ",",
      description = "ResNet blocks per stage. Default: the preset's.")
  List<Integer> blocks;

  @Option(
      names = "--fused-attention",
      arity = "1",
      description = "ViT: libtorch's fused attention kernel (same function). Default: false.")
  Boolean fusedAttention;

  @Option(
      names = "--channels-last",
      arity = "1",
      description =
          "ResNet: NHWC activations (same function; usually faster on CPU). Default: true.")
  Boolean channelsLast;

  // ---- Method -----------------------------------------------------------------------------
  @Option(names = "--method", description = "dino, simclr, mocov3, mocov2 or mae. Default: dino.")
  String method;

  // ---- Optimization -----------------------------------------------------------------------
  @Option(names = "--epochs", description = "Epochs the schedules span. Default: 100.")
  Integer epochs;

  @Option(names = "--batch", description = "Images per step. Default: 64 (DINO's per-GPU batch).")
  Integer batch;

  @Option(
      names = "--lr",
      description =
          "Peak learning rate per 256 images (scaled by batch/256). Default: the method's.")
  Double lr;

  @Option(names = "--min-lr", description = "Final learning rate of the cosine. Default: 1e-6.")
  Double minLr;

  @Option(
      names = "--warmup-epochs",
      description = "Linear learning-rate warm-up. Default: the method's.")
  Integer warmupEpochs;

  @Option(
      names = "--weight-decay",
      description = "AdamW weight decay at the start. Default: the method's.")
  Double weightDecay;

  @Option(
      names = "--weight-decay-end",
      description =
          "Weight decay at the end (cosine). Default: the method's (0.4 DINO, else constant).")
  Double weightDecayEnd;

  @Option(
      names = "--betas",
      split = ",",
      description = "AdamW betas. Default: 0.9,0.999 (0.9,0.95 mae).")
  List<Double> betas;

  @Option(
      names = "--clip-grad",
      description = "Gradient clipping norm; 0 turns it off. Default: 3.0 dino, else 0.")
  Double clipGrad;

  @Option(
      names = "--clip-mode",
      description =
          "per-param (DINO's clip_gradients: each tensor's norm) or global. Default: per-param.")
  String clipMode;

  @Option(
      names = "--freeze-last-layer",
      description = "DINO: epochs during which the prototypes are not updated. Default: 1.")
  Integer freezeLastLayer;

  // ---- DINO -------------------------------------------------------------------------------
  @Option(names = "--out-dim", description = "DINO prototypes K. Default: 65536.")
  Integer outDim;

  @Option(names = "--head-hidden", description = "DINO head hidden width. Default: 2048.")
  Integer headHidden;

  @Option(names = "--head-bottleneck", description = "DINO head bottleneck. Default: 256.")
  Integer headBottleneck;

  @Option(names = "--head-layers", description = "DINO head MLP layers. Default: 3.")
  Integer headLayers;

  @Option(
      names = "--head-bn",
      arity = "1",
      description = "Batch norm in the DINO head. Default: false.")
  Boolean headBn;

  @Option(
      names = "--norm-last-layer",
      arity = "1",
      description = "DINO: fix the prototypes' weight-norm scale to 1. Default: true.")
  Boolean normLastLayer;

  @Option(
      names = "--momentum-teacher",
      description =
          "EMA momentum of the teacher (DINO 0.996, MoCo v3 0.99; rises to 1 on a cosine; MoCo v2 0.999 constant).")
  Double momentumTeacher;

  @Option(
      names = "--teacher-temp",
      description = "DINO teacher temperature after warm-up. Default: 0.04.")
  Double teacherTemp;

  @Option(
      names = "--warmup-teacher-temp",
      description = "DINO teacher temperature at the start. Default: 0.04.")
  Double warmupTeacherTemp;

  @Option(
      names = "--warmup-teacher-temp-epochs",
      description = "DINO teacher temperature warm-up. Default: 0.")
  Integer warmupTeacherTempEpochs;

  @Option(names = "--student-temp", description = "DINO student temperature. Default: 0.1.")
  Double studentTemp;

  @Option(names = "--center-momentum", description = "DINO centre EMA momentum. Default: 0.9.")
  Double centerMomentum;

  // ---- SimCLR / MoCo ----------------------------------------------------------------------
  @Option(
      names = "--temperature",
      description =
          "Contrastive temperature. Default: 0.5 simclr (small images), 0.2 mocov3 and mocov2.")
  Double temperature;

  @Option(
      names = "--proj-layers",
      description = "Projector layers. Default: 2 simclr, 3 mocov3, 2 mocov2.")
  Integer projLayers;

  @Option(
      names = "--proj-hidden",
      description = "Projector hidden width. Default: 2048 simclr, mocov2; 4096 mocov3.")
  Integer projHidden;

  @Option(
      names = "--proj-dim",
      description = "Projection size. Default: 128 simclr, mocov2; 256 mocov3.")
  Integer projDim;

  @Option(
      names = "--proj-bn",
      arity = "1",
      description = "Batch norm in the projector. Default: true simclr, mocov3; false mocov2.")
  Boolean projBn;

  @Option(names = "--pred-hidden", description = "MoCo v3 predictor hidden width. Default: 4096.")
  Integer predHidden;

  @Option(names = "--queue", description = "MoCo v2 queue of negative keys. Default: 65536.")
  Integer queue;

  // ---- MAE --------------------------------------------------------------------------------
  @Option(names = "--mask-ratio", description = "MAE fraction of patches masked. Default: 0.75.")
  Double maskRatio;

  @Option(
      names = "--norm-pix-loss",
      arity = "1",
      description = "MAE per-patch normalized targets. Default: true.")
  Boolean normPixLoss;

  @Option(names = "--decoder-dim", description = "MAE decoder width. Default: 512.")
  Integer decoderDim;

  @Option(names = "--decoder-depth", description = "MAE decoder blocks. Default: 8.")
  Integer decoderDepth;

  @Option(names = "--decoder-heads", description = "MAE decoder heads. Default: 16.")
  Integer decoderHeads;

  // ---- Augmentation -----------------------------------------------------------------------
  @Option(
      names = "--crop-scale",
      split = ",",
      description =
          "Crop area range of the global views. Default: 0.4,1 dino; 0.08,1 simclr, mocov3; 0.2,1 mocov2, mae.")
  List<Double> cropScale;

  @Option(names = "--local-crops", description = "DINO local crops per image. Default: 8.")
  Integer localCrops;

  @Option(
      names = "--local-crop-scale",
      split = ",",
      description = "DINO local crop area range. Default: 0.05,0.4.")
  List<Double> localCropScale;

  @Option(
      names = "--local-size",
      description =
          "DINO local crop side. Default: 96/224 of the image size, rounded to the patch size.")
  Integer localSize;

  @Option(
      names = "--rotate",
      description = "Random rotation range in degrees (not in the references). Default: 0.")
  Double rotate;

  @Option(names = "--flip", description = "Horizontal flip probability. Default: 0.5.")
  Double flip;

  @Option(names = "--jitter-p", description = "Colour jitter probability. Default: 0.8 (0 mae).")
  Double jitterP;

  @Option(
      names = "--jitter",
      split = ",",
      description =
          "Brightness, contrast, saturation, hue strengths. Default: 0.4,0.4,0.2,0.1 (simclr 0.8,0.8,0.8,0.2).")
  List<Double> jitter;

  @Option(
      names = "--grayscale-p",
      description = "Grayscale probability (RGB). Default: 0.2 (0 mae).")
  Double grayscaleP;

  @Option(
      names = "--blur-p",
      split = ",",
      description =
          "Blur probability per view kind: dino global1,global2,local (1,0.1,0.5); mocov3 1,0.1; simclr 0; mocov2 0.5; mae 0.")
  List<Double> blurP;

  @Option(
      names = "--blur-sigma",
      split = ",",
      description = "Blur sigma range in output pixels. Default: 0.1,2.0.")
  List<Double> blurSigma;

  @Option(
      names = "--solarize-p",
      split = ",",
      description = "Solarization probability per view kind: dino 0,0.2,0; mocov3 0,0.2; else 0.")
  List<Double> solarizeP;

  // ---- The run ----------------------------------------------------------------------------
  @Option(
      names = "--seed",
      description = "Seed of weights, data order, views and masks. Default: 0.")
  Long seed;

  @Option(names = "--log-every", description = "Log a JSON line every N steps. Default: 20.")
  Integer logEvery;

  @Option(
      names = "--checkpoint-every",
      description =
          "Also checkpoint every N steps within an epoch (0: at the end of each epoch only). Default: 0.")
  Integer checkpointEvery;

  @Option(
      names = "--keep-every",
      description =
          "Keep a numbered copy of the checkpoint every N epochs (0: only the latest). Default: 0.")
  Integer keepEvery;

  @Option(
      names = "--knn-every",
      description = "Online k-NN monitor every N epochs (0: off). Default: 1.")
  Integer knnEvery;

  @Option(
      names = "--knn-bank",
      description = "k-NN monitor: first N labelled training images as the bank. Default: 10000.")
  Integer knnBank;

  @Option(
      names = "--knn-queries",
      description = "k-NN monitor: first N held-out (test) images. Default: 2000.")
  Integer knnQueries;

  @Option(names = "--knn-k", description = "k-NN monitor: neighbours. Default: 20.")
  Integer knnK;

  @Option(names = "--knn-t", description = "k-NN monitor: vote temperature. Default: 0.07.")
  Double knnT;

  @Option(
      names = "--collapse-std",
      description =
          "Stop when the embedding's std across the batch, times sqrt(dim), stays below this. Default: 0.05.")
  Double collapseStd;

  @Option(
      names = "--collapse-patience",
      description = "Consecutive logged steps below --collapse-std before stopping. Default: 5.")
  Integer collapsePatience;

  /** The options given, as overrides of the recipe. */
  public Overrides overrides() {
    Overrides o = new Overrides();
    o.set(DataConfig.DATASET, dataset);
    o.set(DataConfig.DATA, data);
    o.set(DataConfig.TRAIN_LIMIT, trainLimit);
    o.set(DataConfig.FRAME_STEP, frameStep);
    o.set(DataConfig.MAX_FRAMES, maxFrames);
    o.set(DataConfig.IMAGE_SIZE, imageSize);
    o.set(DataConfig.CHANNELS, channels);
    o.set(DataConfig.MEAN, mean);
    o.set(DataConfig.STD, std);
    o.set(EncoderConfig.ARCH, arch);
    o.set(EncoderConfig.PATCH, patch);
    o.set(EncoderConfig.DIM, dim);
    o.set(EncoderConfig.HEADS, heads);
    o.set(EncoderConfig.DEPTH, depth);
    o.set(EncoderConfig.MLP_RATIO, mlpRatio);
    o.set(EncoderConfig.POS_EMBED, posEmbed);
    o.set(EncoderConfig.DROP_PATH, dropPath);
    o.set(EncoderConfig.WIDTHS, widths);
    o.set(EncoderConfig.BLOCKS, blocks);
    o.set(EncoderConfig.FUSED_ATTENTION, fusedAttention);
    o.set(EncoderConfig.CHANNELS_LAST, channelsLast);
    o.set(TrainConfig.METHOD, method);
    o.set(OptimConfig.EPOCHS, epochs);
    o.set(OptimConfig.BATCH, batch);
    o.set(OptimConfig.LR, lr);
    o.set(OptimConfig.MIN_LR, minLr);
    o.set(OptimConfig.WARMUP_EPOCHS, warmupEpochs);
    o.set(OptimConfig.WEIGHT_DECAY, weightDecay);
    o.set(OptimConfig.WEIGHT_DECAY_END, weightDecayEnd);
    o.set(OptimConfig.BETAS, betas);
    o.set(OptimConfig.CLIP_GRAD, clipGrad);
    o.set(OptimConfig.CLIP_MODE, clipMode);
    o.set(Dino.FREEZE_LAST_LAYER, freezeLastLayer);
    o.set(Dino.OUT_DIM, outDim);
    o.set(Dino.HEAD_HIDDEN, headHidden);
    o.set(Dino.HEAD_BOTTLENECK, headBottleneck);
    o.set(Dino.HEAD_LAYERS, headLayers);
    o.set(Dino.HEAD_BN, headBn);
    o.set(Dino.NORM_LAST_LAYER, normLastLayer);
    o.set(OptimConfig.MOMENTUM_TEACHER, momentumTeacher);
    o.set(Dino.TEACHER_TEMP, teacherTemp);
    o.set(Dino.WARMUP_TEACHER_TEMP, warmupTeacherTemp);
    o.set(Dino.WARMUP_TEACHER_TEMP_EPOCHS, warmupTeacherTempEpochs);
    o.set(Dino.STUDENT_TEMP, studentTemp);
    o.set(Dino.CENTER_MOMENTUM, centerMomentum);
    o.set(ProjectorKeys.TEMPERATURE, temperature);
    o.set(ProjectorKeys.PROJ_LAYERS, projLayers);
    o.set(ProjectorKeys.PROJ_HIDDEN, projHidden);
    o.set(ProjectorKeys.PROJ_DIM, projDim);
    o.set(ProjectorKeys.PROJ_BN, projBn);
    o.set(MocoV3.PRED_HIDDEN, predHidden);
    o.set(MocoV2.QUEUE, queue);
    o.set(Mae.MASK_RATIO, maskRatio);
    o.set(Mae.NORM_PIX_LOSS, normPixLoss);
    o.set(Mae.DECODER_DIM, decoderDim);
    o.set(Mae.DECODER_DEPTH, decoderDepth);
    o.set(Mae.DECODER_HEADS, decoderHeads);
    o.set(AugmentConfig.CROP_SCALE, cropScale);
    o.set(AugmentConfig.LOCAL_CROPS, localCrops);
    o.set(AugmentConfig.LOCAL_CROP_SCALE, localCropScale);
    o.set(AugmentConfig.LOCAL_SIZE, localSize);
    o.set(AugmentConfig.ROTATE, rotate);
    o.set(AugmentConfig.FLIP, flip);
    o.set(AugmentConfig.JITTER_P, jitterP);
    o.set(AugmentConfig.JITTER, jitter);
    o.set(AugmentConfig.GRAYSCALE_P, grayscaleP);
    o.set(AugmentConfig.BLUR_P, blurP);
    o.set(AugmentConfig.BLUR_SIGMA, blurSigma);
    o.set(AugmentConfig.SOLARIZE_P, solarizeP);
    o.set(RunConfig.SEED, seed);
    o.set(RunConfig.LOG_EVERY, logEvery);
    o.set(RunConfig.CHECKPOINT_EVERY, checkpointEvery);
    o.set(RunConfig.KEEP_EVERY, keepEvery);
    o.set(RunConfig.KNN_EVERY, knnEvery);
    o.set(RunConfig.KNN_BANK, knnBank);
    o.set(RunConfig.KNN_QUERIES, knnQueries);
    o.set(RunConfig.KNN_K, knnK);
    o.set(RunConfig.KNN_T, knnT);
    o.set(RunConfig.COLLAPSE_STD, collapseStd);
    o.set(RunConfig.COLLAPSE_PATIENCE, collapsePatience);
    return o;
  }
}
