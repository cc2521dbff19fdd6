package io.edgessl.tools.cli;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.Trainer;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.EncoderFeatures;
import io.edgessl.train.eval.ImageFeatures;
import io.edgessl.train.eval.ModelFeatures;
import io.edgessl.train.eval.PixelsFeatures;
import io.edgessl.train.nn.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose the encoder whose embeddings are evaluated. */
public final class EncoderOptions {
  @Option(
      names = "--encoder",
      defaultValue = "pixels",
      description =
          "Built-in encoder: pixels (raw pixels / 255, the baseline). Default: ${DEFAULT-VALUE}.")
  public String encoder;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "A training checkpoint (edgessl train's checkpoint.pt) or its run directory: evaluates its backbone (DINO's"
              + " teacher, MoCo v3's momentum encoder, else the encoder) on libtorch.")
  public Path checkpoint;

  @Option(
      names = "--embedding",
      paramLabel = "POOLING",
      description =
          "With --checkpoint: the embedding of a ResNet's final feature map [D, h, w]: gap (global"
              + " average, D values), grid:N (adaptive average pooling to N x N cells, flattened"
              + " channel-major), map (the whole map flattened channel-major). A ViT's is its [CLS]"
              + " token (cls). A bundle's is chosen when it is exported (edgessl export"
              + " --embedding). Default: gap for a ResNet, cls for a ViT.")
  public String embedding;

  @Option(
      names = "--model",
      paramLabel = "BUNDLE",
      description =
          "A model bundle (directory or .edgessl file) to evaluate instead of the built-in encoder.")
  public Path model;

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      description = "Inference backend for --model, e.g. onnxruntime. Default: the best available.")
  public String backend;

  @Option(
      names = "--precision",
      defaultValue = "fastest",
      description =
          "Model precision for --model: fp32, fp16, int8 or fastest (the fastest the bundle has)."
              + " Default: ${DEFAULT-VALUE}.")
  public String precision;

  @Option(
      names = "--inference-threads",
      defaultValue = "0",
      description =
          "Threads of one inference for --model; 0 lets the backend decide. Default: ${DEFAULT-VALUE}.")
  public int inferenceThreads;

  /**
   * Creates the encoder for images shaped like {@code sample}; a checkpoint runs on {@code threads}
   * libtorch threads.
   *
   * @throws EdgeSslException when the bundle or checkpoint cannot be opened or its model not loaded
   */
  public ImageFeatures open(LabelledImages sample, int threads) throws EdgeSslException {
    if (checkpoint != null && model != null) {
      throw new IllegalArgumentException(
          "--checkpoint " + checkpoint + " and --model " + model + ": choose one");
    }
    Pooling pooling = embedding == null ? null : Pooling.parse(embedding);
    if (pooling != null && checkpoint == null) {
      throw new IllegalArgumentException(
          "--embedding "
              + embedding
              + " applies to --checkpoint; a bundle's embedding is chosen when it is exported"
              + " (edgessl export --embedding)");
    }
    if (checkpoint != null) {
      Torch.threads(threads);
      Path file =
          Files.isDirectory(checkpoint) ? checkpoint.resolve(Trainer.CHECKPOINT) : checkpoint;
      TrainedEncoder t = TrainedEncoder.load(file);
      if (t.mean().length != 1) {
        throw new IllegalArgumentException(
            checkpoint
                + " was trained on "
                + t.mean().length
                + "-channel images; this data is grey");
      }
      String name = pooling == null ? t.name() : t.name() + ", embedding " + pooling.id();
      return new ModelFeatures(name, t.encoder(), t.mean()[0], t.std()[0], pooling);
    }
    if (model != null) {
      Encoder.Builder b =
          Encoder.builder(ModelBundle.open(model))
              .precision(precision)
              .threads(inferenceThreads)
              .maxBatch(64);
      if (backend != null) {
        b.backend(backend);
      }
      return new EncoderFeatures(b.build());
    }
    if ("pixels".equals(encoder)) {
      return new PixelsFeatures(sample.height(), sample.width());
    }
    throw new IllegalArgumentException("unknown encoder '" + encoder + "'; built-in: pixels");
  }
}
