package io.edgessl.image;

/**
 * How a {@link Frame}'s stored pixels must be turned to be upright: first mirrored left to right
 * (when {@link #mirrored()}), then rotated clockwise by {@link #degrees()}. This is the convention
 * of Android's {@code ImageInfo.getRotationDegrees()} (the clockwise rotation that makes the image
 * upright) and of EXIF orientation tags ({@link #fromExif}).
 *
 * <p>Preprocessing applies the orientation while it samples: no rotated copy is made.
 */
public enum Orientation {
  /** Stored upright (EXIF 1). */
  UPRIGHT(0, false),
  /** Rotate 90 degrees clockwise (EXIF 6). */
  ROTATE_90(90, false),
  /** Rotate 180 degrees (EXIF 3). */
  ROTATE_180(180, false),
  /** Rotate 270 degrees clockwise, i.e. 90 counter-clockwise (EXIF 8). */
  ROTATE_270(270, false),
  /** Mirror left to right (EXIF 2; a front camera's preview). */
  MIRROR(0, true),
  /** Mirror, then rotate 90 degrees clockwise (EXIF 7). */
  MIRROR_ROTATE_90(90, true),
  /** Mirror, then rotate 180 degrees: a top-to-bottom flip (EXIF 4). */
  MIRROR_ROTATE_180(180, true),
  /** Mirror, then rotate 270 degrees clockwise (EXIF 5). */
  MIRROR_ROTATE_270(270, true);

  private final int degrees;
  private final boolean mirrored;

  Orientation(int degrees, boolean mirrored) {
    this.degrees = degrees;
    this.mirrored = mirrored;
  }

  /**
   * Clockwise rotation that makes the (mirrored) image upright: 0, 90, 180 or 270.
   *
   * @return the clockwise rotation in degrees
   */
  public int degrees() {
    return degrees;
  }

  /**
   * Whether the stored image is mirrored left to right before the rotation.
   *
   * @return true if mirrored
   */
  public boolean mirrored() {
    return mirrored;
  }

  /**
   * Whether width and height swap when the frame is turned upright.
   *
   * @return true for 90 and 270 degrees
   */
  public boolean swapsAxes() {
    return degrees == 90 || degrees == 270;
  }

  /**
   * The orientation for a clockwise rotation and an optional mirror.
   *
   * @throws IllegalArgumentException when {@code degrees} is not 0, 90, 180 or 270
   * @param degrees the clockwise rotation in degrees: 0, 90, 180 or 270
   * @param mirrored whether the image is mirrored left to right before rotating
   * @return the orientation
   */
  public static Orientation of(int degrees, boolean mirrored) {
    for (Orientation o : values()) {
      if (o.degrees == degrees && o.mirrored == mirrored) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "rotation must be 0, 90, 180 or 270 degrees clockwise: " + degrees);
  }

  /**
   * The orientation an EXIF {@code Orientation} tag (1 to 8) describes.
   *
   * @throws IllegalArgumentException when {@code tag} is not in 1..8
   * @param tag the EXIF tag value
   * @return the orientation
   */
  public static Orientation fromExif(int tag) {
    switch (tag) {
      case 1:
        return UPRIGHT;
      case 2:
        return MIRROR;
      case 3:
        return ROTATE_180;
      case 4:
        return MIRROR_ROTATE_180;
      case 5:
        return MIRROR_ROTATE_270;
      case 6:
        return ROTATE_90;
      case 7:
        return MIRROR_ROTATE_90;
      case 8:
        return ROTATE_270;
      default:
        throw new IllegalArgumentException("EXIF orientation must be 1..8: " + tag);
    }
  }
}
