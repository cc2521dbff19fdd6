package io.edgessl.image;

/** How a frame of any size becomes the model's input size. */
public enum ResizePolicy {
  /** Resize the whole frame to the input size; the aspect ratio is not kept. */
  STRETCH,
  /**
   * Resize so that the short side is {@link Preprocessing#shortSide()} pixels (the long side {@code
   * floor(shortSide * long / short)}, as torchvision's {@code Resize(int)}), then cut the input
   * size out of the centre, offset {@code round((resized - input) / 2)} with halves rounded to
   * even, as torchvision's {@code CenterCrop}. With {@code shortSide} 256 and input 224 this is the
   * ImageNet evaluation transform that DINO and timm use.
   */
  SHORT_SIDE_CENTER_CROP
}
