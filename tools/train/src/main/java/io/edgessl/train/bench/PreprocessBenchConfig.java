package io.edgessl.train.bench;

import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import java.util.List;

/**
 * What {@link PreprocessBench} measures: camera frames resized to a short side, centre-cropped to a
 * square, RGB planes normalized by ImageNet's mean and std (DINO's evaluation transform by
 * default).
 *
 * @param width width of the camera frames, pixels
 * @param height height of the camera frames, pixels
 * @param formats pixel formats, one row each per filter
 * @param filters resampling filters
 * @param kernels kernels to compare in the same run ({@code java}, {@code native}); null or empty:
 *     the kernels this JVM selected
 * @param size output size (square crop), pixels
 * @param shortSide short side the frame is resized to before the crop, at least {@code size}
 * @param frames frames per timed run
 * @param runs timed runs per kernels (the median is reported)
 * @param warmup untimed runs first
 */
public record PreprocessBenchConfig(
    int width,
    int height,
    List<PixelFormat> formats,
    List<Interpolation> filters,
    List<String> kernels,
    int size,
    int shortSide,
    int frames,
    int runs,
    int warmup) {

  /**
   * @throws IllegalArgumentException for a value out of range or an unknown kernels name
   */
  public PreprocessBenchConfig {
    formats = List.copyOf(formats);
    filters = List.copyOf(filters);
    kernels = kernels == null ? List.of() : List.copyOf(kernels);
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
    }
    if (frames <= 0 || runs <= 0 || warmup < 0 || size <= 0 || shortSide < size) {
      throw new IllegalArgumentException(
          "--frames, --runs and --size must be positive, --warmup not negative, --short-side at"
              + " least --size");
    }
    BenchKernels.check(kernels);
  }

  /**
   * The defaults of {@code edgessl bench preprocess}: 1280 x 720 frames of every pixel format,
   * bilinear and bicubic, Java against native, 256 then 224, median of 7 runs of 20 frames after 3
   * warm-up runs.
   */
  public static PreprocessBenchConfig defaults() {
    return new PreprocessBenchConfig(
        1280,
        720,
        List.of(PixelFormat.values()),
        List.of(Interpolation.BILINEAR, Interpolation.BICUBIC),
        List.of("java", "native"),
        224,
        256,
        20,
        7,
        3);
  }
}
