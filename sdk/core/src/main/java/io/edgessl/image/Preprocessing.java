package io.edgessl.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What a model expects of its input: size, colour channels, how frames are resized and cropped, and
 * the normalization {@code (pixel / 255 - mean) / std} per channel. A bundle's manifest carries one
 * ({@code io.edgessl.bundle.Manifest#preprocessing()}); a {@link Preprocessor} applies it.
 *
 * {@snippet :
 * Preprocessing p = Preprocessing.builder(224, 224)
 *     .color(ColorMode.RGB)
 *     .normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
 *     .resizeShortSide(256, Interpolation.BICUBIC) // then centre crop 224 x 224
 *     .build();
 * }
 *
 * <p>Immutable.
 */
public final class Preprocessing {
  private final int height;
  private final int width;
  private final ColorMode color;
  private final float[] mean;
  private final float[] std;
  private final ResizePolicy policy;
  private final int shortSide;
  private final Interpolation interpolation;

  private Preprocessing(Builder b) {
    this.height = b.height;
    this.width = b.width;
    this.color = b.color;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    this.policy = b.policy;
    this.shortSide = b.shortSide;
    this.interpolation = b.interpolation;
  }

  /**
   * A builder for a model input of {@code height x width} pixels; defaults: RGB, mean 0 and std 1
   * (pixels / 255), {@link ResizePolicy#STRETCH}, {@link Interpolation#BILINEAR}.
   *
   * @param height the model's input height in pixels, positive
   * @param width the model's input width in pixels, positive
   * @return a new builder
   */
  public static Builder builder(int height, int width) {
    return new Builder(height, width);
  }

  /**
   * Input height in pixels.
   *
   * @return the height in pixels
   */
  public int height() {
    return height;
  }

  /**
   * Input width in pixels.
   *
   * @return the width in pixels
   */
  public int width() {
    return width;
  }

  /** {@return the model's colour channels} */
  public ColorMode color() {
    return color;
  }

  /**
   * Input planes: 3, or 1 for {@link ColorMode#GRAY}.
   *
   * @return 3 or 1
   */
  public int channels() {
    return color.channels();
  }

  /**
   * Floats of one preprocessed image: {@code channels * height * width}.
   *
   * @return the number of floats
   */
  public int size() {
    return channels() * height * width;
  }

  /**
   * Per-channel mean, in units of pixel / 255 (a copy).
   *
   * @return a new array of {@link #channels()} floats, owned by the caller
   */
  public float[] mean() {
    return mean.clone();
  }

  /**
   * Per-channel standard deviation, in units of pixel / 255 (a copy).
   *
   * @return a new array of {@link #channels()} floats, owned by the caller
   */
  public float[] std() {
    return std.clone();
  }

  /** {@return how the frame is resized to the input} */
  public ResizePolicy resizePolicy() {
    return policy;
  }

  /**
   * Short side after resizing, for {@link ResizePolicy#SHORT_SIDE_CENTER_CROP}; else 0.
   *
   * @return the short side in pixels, or 0
   */
  public int shortSide() {
    return shortSide;
  }

  /** {@return the resampling filter} */
  public Interpolation interpolation() {
    return interpolation;
  }

  /**
   * Where the input window lies for an upright frame of {@code frameHeight x frameWidth}: the size
   * the frame is resized to and the top-left corner of the window cut from it, as {@code
   * {resizedHeight, resizedWidth, top, left}}.
   *
   * @param frameHeight the upright frame's height in pixels, positive
   * @param frameWidth the upright frame's width in pixels, positive
   * @return a new array of four values, in pixels
   * @throws IllegalArgumentException if a size is not positive
   */
  public int[] window(int frameHeight, int frameWidth) {
    if (frameHeight <= 0 || frameWidth <= 0) {
      throw new IllegalArgumentException(
          "frame size must be positive: " + frameWidth + "x" + frameHeight);
    }
    if (policy == ResizePolicy.STRETCH) {
      return new int[] {height, width, 0, 0};
    }
    long rh;
    long rw;
    // torchvision's Resize(int): the short side becomes shortSide, the long side is truncated.
    if (frameHeight <= frameWidth) {
      rh = shortSide;
      rw = (long) shortSide * frameWidth / frameHeight;
    } else {
      rw = shortSide;
      rh = (long) shortSide * frameHeight / frameWidth;
    }
    if (rh > Integer.MAX_VALUE / 4 || rw > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "frame " + frameWidth + "x" + frameHeight + " is too elongated to resize");
    }
    // torchvision's CenterCrop: int(round((size - crop) / 2.0)), Python rounds halves to even.
    int top = (int) Math.rint((rh - height) / 2.0);
    int left = (int) Math.rint((rw - width) / 2.0);
    return new int[] {(int) rh, (int) rw, top, left};
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Preprocessing)) {
      return false;
    }
    Preprocessing p = (Preprocessing) o;
    return height == p.height
        && width == p.width
        && color == p.color
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std)
        && policy == p.policy
        && shortSide == p.shortSide
        && interpolation == p.interpolation;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        height, width, color, Arrays.hashCode(mean), Arrays.hashCode(std), policy, shortSide);
  }

  @Override
  public String toString() {
    String resize =
        policy == ResizePolicy.STRETCH ? "stretch" : "short side " + shortSide + ", centre crop";
    return String.format(
        Locale.ROOT,
        "%s %dx%d, %s (%s), mean %s, std %s",
        color.name().toLowerCase(Locale.ROOT),
        width,
        height,
        resize,
        interpolation.name().toLowerCase(Locale.ROOT),
        Arrays.toString(mean),
        Arrays.toString(std));
  }

  /** Options of a {@link Preprocessing}. */
  public static final class Builder {
    private final int height;
    private final int width;
    private ColorMode color = ColorMode.RGB;
    private float[] mean;
    private float[] std;
    private ResizePolicy policy = ResizePolicy.STRETCH;
    private int shortSide;
    private Interpolation interpolation = Interpolation.BILINEAR;

    private Builder(int height, int width) {
      if (height <= 0 || width <= 0) {
        throw new IllegalArgumentException("input size must be positive: " + width + "x" + height);
      }
      this.height = height;
      this.width = width;
    }

    /**
     * The model's colour channels (default RGB).
     *
     * @param color the colour mode
     * @return this builder
     */
    public Builder color(ColorMode color) {
      this.color = Objects.requireNonNull(color, "color");
      return this;
    }

    /**
     * Normalization {@code (pixel / 255 - mean[c]) / std[c]}; one value per channel (default mean
     * 0, std 1).
     *
     * @param mean per-channel mean, in units of pixel / 255; copied
     * @param std per-channel standard deviation, in units of pixel / 255; copied
     * @return this builder
     */
    public Builder normalize(float[] mean, float[] std) {
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /**
     * Resize the whole frame to the input size (the default).
     *
     * @param interpolation the resampling filter
     * @return this builder
     */
    public Builder stretch(Interpolation interpolation) {
      this.policy = ResizePolicy.STRETCH;
      this.shortSide = 0;
      this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
      return this;
    }

    /**
     * Resize the short side to {@code shortSide}, then centre crop the input size ({@link
     * ResizePolicy#SHORT_SIDE_CENTER_CROP}).
     *
     * @param shortSide the short side after resizing, in pixels, at least the input's larger side
     * @param interpolation the resampling filter
     * @return this builder
     */
    public Builder resizeShortSide(int shortSide, Interpolation interpolation) {
      this.policy = ResizePolicy.SHORT_SIDE_CENTER_CROP;
      this.shortSide = shortSide;
      this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
      return this;
    }

    /**
     * Checks and makes the preprocessing.
     *
     * @throws IllegalArgumentException naming the value when a mean or std has the wrong count or
     *     is not finite, a std is not positive, or the short side is smaller than the input
     * @return a new, immutable preprocessing
     */
    public Preprocessing build() {
      int c = color.channels();
      if (mean == null) {
        mean = new float[c];
        std = new float[c];
        Arrays.fill(std, 1f);
      }
      if (mean.length != c || std.length != c) {
        throw new IllegalArgumentException(
            color
                + " input has "
                + c
                + " channels but normalization has "
                + mean.length
                + " means and "
                + std.length
                + " stds");
      }
      for (int i = 0; i < c; i++) {
        if (!Float.isFinite(mean[i]) || !(std[i] > 0) || !Float.isFinite(std[i])) {
          throw new IllegalArgumentException(
              "normalization of channel "
                  + i
                  + ": mean must be finite and std positive and finite, got mean "
                  + mean[i]
                  + ", std "
                  + std[i]);
        }
      }
      if (policy == ResizePolicy.SHORT_SIDE_CENTER_CROP && shortSide < Math.max(height, width)) {
        throw new IllegalArgumentException(
            "short side "
                + shortSide
                + " is smaller than the "
                + width
                + "x"
                + height
                + " input it is cropped to");
      }
      return new Preprocessing(this);
    }
  }
}
