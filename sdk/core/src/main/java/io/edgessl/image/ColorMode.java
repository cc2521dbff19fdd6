package io.edgessl.image;

/** The colour channels a model takes, in the order of its input planes. */
public enum ColorMode {
  /** Three planes: red, green, blue (torchvision, timm, DINO). */
  RGB(3),
  /** Three planes: blue, green, red (models trained on OpenCV images). */
  BGR(3),
  /**
   * One plane of luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601 weights, as PIL's {@code
   * convert("L")} and OpenCV's {@code COLOR_RGB2GRAY}); a GRAY frame's bytes are used as they are.
   */
  GRAY(1);

  private final int channels;

  ColorMode(int channels) {
    this.channels = channels;
  }

  /**
   * Number of input planes.
   *
   * @return 3, or 1 for {@link #GRAY}
   */
  public int channels() {
    return channels;
  }
}
