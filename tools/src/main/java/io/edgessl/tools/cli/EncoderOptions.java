package io.edgessl.tools.cli;

import io.edgessl.tools.data.LabelledImages;
import io.edgessl.tools.encode.ImageFeatures;
import io.edgessl.tools.encode.PixelsFeatures;
import picocli.CommandLine.Option;

/** Options that choose the encoder whose embeddings are evaluated. */
public final class EncoderOptions {
  @Option(
      names = "--encoder",
      defaultValue = "pixels",
      description =
          "Built-in encoder: pixels (raw pixels / 255, the baseline). Default: ${DEFAULT-VALUE}.")
  public String encoder;

  /** Creates the encoder for images shaped like {@code sample}. */
  public ImageFeatures open(LabelledImages sample) {
    if ("pixels".equals(encoder)) {
      return new PixelsFeatures(sample.height(), sample.width());
    }
    throw new IllegalArgumentException("unknown encoder '" + encoder + "'; built-in: pixels");
  }
}
