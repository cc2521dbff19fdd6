package io.edgessl.train.data;

import java.util.Arrays;
import java.util.List;

/**
 * Images of one size and channel count held in memory as planar bytes ({@code count x channels x
 * height x width}), with optional class labels: what training reads and augments. Fashion-MNIST
 * comes from {@link #of(LabelledImages)}, folders of images from {@link ImageFolder}, frames of
 * videos from {@link VideoFrames}.
 *
 * @param labels class of each image, or -1 where unknown
 * @param classes class names indexed by label (empty when unlabelled)
 * @param frames where each image comes from when the images are video frames, else null
 */
public record ImageSet(
    String name,
    byte[] pixels,
    int channels,
    int height,
    int width,
    int[] labels,
    List<String> classes,
    Frames frames) {

  /**
   * The video and frame number of each image of a set of video frames. Frames of one video are
   * consecutive in the set and in stream order, so neighbouring frames are neighbours in the set.
   *
   * @param video index into {@code files} of each image's video
   * @param frame frame number of each image in its video, from 0
   * @param files the videos, in the order read
   */
  public record Frames(int[] video, int[] frame, List<String> files) {
    public Frames {
      if (video.length != frame.length) {
        throw new IllegalArgumentException(
            video.length + " videos for " + frame.length + " frames");
      }
      files = List.copyOf(files);
    }

    /** Images {@code [from, from + n)} (copies). */
    Frames slice(int from, int n) {
      return new Frames(
          Arrays.copyOfRange(video, from, from + n),
          Arrays.copyOfRange(frame, from, from + n),
          files);
    }
  }

  /** Images that are not video frames. */
  public ImageSet(
      String name,
      byte[] pixels,
      int channels,
      int height,
      int width,
      int[] labels,
      List<String> classes) {
    this(name, pixels, channels, height, width, labels, classes, null);
  }

  public ImageSet {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    if ((long) labels.length * channels * height * width != pixels.length) {
      throw new IllegalArgumentException(
          name + ": " + labels.length + " images do not fill " + pixels.length + " bytes");
    }
    classes = List.copyOf(classes);
    if (frames != null && frames.video().length != labels.length) {
      throw new IllegalArgumentException(
          name + ": " + frames.video().length + " frame indices for " + labels.length + " images");
    }
  }

  /** A grey labelled dataset as an image set (no copy). */
  public static ImageSet of(LabelledImages d) {
    return new ImageSet(d.name(), d.pixels(), 1, d.height(), d.width(), d.labels(), d.classes());
  }

  /** Number of images. */
  public int count() {
    return labels.length;
  }

  /** Bytes per image. */
  public int imageBytes() {
    return channels * height * width;
  }

  /** Offset of image {@code i} in {@link #pixels()}. */
  public int offset(int i) {
    return i * imageBytes();
  }

  /** Whether every image has a label. */
  public boolean labelled() {
    return !classes.isEmpty() && Arrays.stream(labels).allMatch(l -> l >= 0);
  }

  /** Images {@code [from, from + n)} (copies). */
  public ImageSet slice(int from, int n) {
    if (from < 0 || n < 0 || from + n > count()) {
      throw new IllegalArgumentException(
          "slice [" + from + ", " + (from + n) + ") of " + count() + " images");
    }
    byte[] p = Arrays.copyOfRange(pixels, offset(from), offset(from + n));
    int[] l = Arrays.copyOfRange(labels, from, from + n);
    Frames f = frames == null ? null : frames.slice(from, n);
    return new ImageSet(name, p, channels, height, width, l, classes, f);
  }

  /** The grey labelled view the k-NN evaluation reads (one channel, every image labelled). */
  public LabelledImages toLabelled() {
    if (channels != 1 || !labelled()) {
      throw new IllegalArgumentException(
          name + ": k-NN evaluation needs grey, labelled images (" + channels + " channels)");
    }
    return new LabelledImages(name, pixels, labels, height, width, classes);
  }
}
