package io.edgessl.tools.cli;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.data.LabelledImages;
import io.edgessl.tools.encode.ImageFeatures;
import io.edgessl.tools.encode.ModelFeatures;
import io.edgessl.tools.encode.PixelsFeatures;
import io.edgessl.tools.train.TrainedEncoder;
import io.edgessl.tools.train.nn.Torch;
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
          "A training checkpoint (edgessl train's checkpoint.pt): evaluates its backbone (DINO's"
              + " teacher, MoCo v3's momentum encoder, else the encoder) on libtorch.")
  public Path checkpoint;

  /**
   * Creates the encoder for images shaped like {@code sample}; a checkpoint runs on {@code threads}
   * libtorch threads.
   */
  public ImageFeatures open(LabelledImages sample, int threads) throws EdgeSslException {
    if (checkpoint != null) {
      Torch.threads(threads);
      TrainedEncoder t = TrainedEncoder.load(checkpoint);
      if (t.mean().length != 1) {
        throw new IllegalArgumentException(
            checkpoint
                + " was trained on "
                + t.mean().length
                + "-channel images; this data is grey");
      }
      return new ModelFeatures(t.name(), t.encoder(), t.mean()[0], t.std()[0]);
    }
    if ("pixels".equals(encoder)) {
      return new PixelsFeatures(sample.height(), sample.width());
    }
    throw new IllegalArgumentException("unknown encoder '" + encoder + "'; built-in: pixels");
  }
}
