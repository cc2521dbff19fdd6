package io.edgessl.train.config;

import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.model.EncoderSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The augmentations of the views. Blur and solarization probabilities are per view kind (DINO:
 * first global, second global, local; MoCo v3: first, second), one value meaning the same for every
 * kind.
 *
 * @param cropScale crop area range of the global views
 * @param localCrops DINO's local crops per image
 * @param localCropScale local crop area range
 * @param localSize local crop side
 * @param rotate random rotation range in degrees
 * @param flip horizontal flip probability
 * @param jitterP colour jitter probability
 * @param jitter brightness, contrast, saturation and hue strengths
 * @param grayscaleP grayscale probability (RGB)
 * @param blurP blur probability per view kind
 * @param blurSigma blur sigma range in output pixels
 * @param solarizeP solarization probability per view kind
 */
public record AugmentConfig(
    List<Double> cropScale,
    int localCrops,
    List<Double> localCropScale,
    int localSize,
    double rotate,
    double flip,
    double jitterP,
    List<Double> jitter,
    double grayscaleP,
    List<Double> blurP,
    List<Double> blurSigma,
    List<Double> solarizeP) {
  public static final Key<List<Double>> CROP_SCALE = Key.reals("crop_scale");
  public static final Key<Integer> LOCAL_CROPS = Key.integer("local_crops");
  public static final Key<List<Double>> LOCAL_CROP_SCALE = Key.reals("local_crop_scale");
  public static final Key<Integer> LOCAL_SIZE = Key.integer("local_size");
  public static final Key<Double> ROTATE = Key.real("rotate");
  public static final Key<Double> FLIP = Key.real("flip");
  public static final Key<Double> JITTER_P = Key.real("jitter_p");
  public static final Key<List<Double>> JITTER = Key.reals("jitter");
  public static final Key<Double> GRAYSCALE_P = Key.real("grayscale_p");
  public static final Key<List<Double>> BLUR_P = Key.reals("blur_p");
  public static final Key<List<Double>> BLUR_SIGMA = Key.reals("blur_sigma");
  public static final Key<List<Double>> SOLARIZE_P = Key.reals("solarize_p");

  /** The keys, in JSON order. */
  public static final List<Key<?>> KEYS =
      List.of(
          CROP_SCALE,
          LOCAL_CROPS,
          LOCAL_CROP_SCALE,
          LOCAL_SIZE,
          ROTATE,
          FLIP,
          JITTER_P,
          JITTER,
          GRAYSCALE_P,
          BLUR_P,
          BLUR_SIGMA,
          SOLARIZE_P);

  public AugmentConfig {
    cropScale = List.copyOf(cropScale);
    localCropScale = List.copyOf(localCropScale);
    jitter = List.copyOf(jitter);
    blurP = List.copyOf(blurP);
    blurSigma = List.copyOf(blurSigma);
    solarizeP = List.copyOf(solarizeP);
  }

  /**
   * Defaults (methods' recipes change several): crops of 0.2 to 1 of the area, no local crops (of
   * 0.05 to 0.4, 96/224 of the image size rounded to the patch), no rotation, flips at 0.5, jitter
   * 0.4, 0.4, 0.2, 0.1 with probability 0.8, grayscale 0.2, no blur (sigma 0.1 to 2 px), no
   * solarization.
   *
   * @param viewKinds how many view kinds the method has (per-kind lists are checked against it)
   */
  public static AugmentConfig resolve(Overrides o, EncoderSpec spec, int imageSize, int viewKinds) {
    AugmentConfig a =
        new AugmentConfig(
            o.get(CROP_SCALE, List.of(0.2, 1.0)),
            o.get(LOCAL_CROPS, 0),
            o.get(LOCAL_CROP_SCALE, List.of(0.05, 0.4)),
            o.get(LOCAL_SIZE, defaultLocalSize(imageSize, spec)),
            o.get(ROTATE, 0.0),
            o.get(FLIP, 0.5),
            o.get(JITTER_P, 0.8),
            o.get(JITTER, List.of(0.4, 0.4, 0.2, 0.1)),
            o.get(GRAYSCALE_P, 0.2),
            o.get(BLUR_P, List.of(0.0)),
            o.get(BLUR_SIGMA, List.of(0.1, 2.0)),
            o.get(SOLARIZE_P, List.of(0.0)));
    Checks.nonNegative(LOCAL_CROPS, a.localCrops);
    Checks.pair(CROP_SCALE, a.cropScale);
    Checks.pair(LOCAL_CROP_SCALE, a.localCropScale);
    Checks.pair(BLUR_SIGMA, a.blurSigma);
    if (a.jitter.size() != 4) {
      throw new IllegalArgumentException(
          "--jitter needs brightness,contrast,saturation,hue: " + a.jitter);
    }
    int unit = spec.family().sizeUnit(spec);
    if (a.localCrops > 0 && a.localSize % unit != 0) {
      throw new IllegalArgumentException(
          "--local-size " + a.localSize + " is not a multiple of the patch size " + unit);
    }
    a.kinds(imageSize, viewKinds); // checks the view parameters
    return a;
  }

  private static int defaultLocalSize(int imageSize, EncoderSpec spec) {
    int unit = spec.family().sizeUnit(spec);
    int s = (int) Math.round(imageSize * 96.0 / 224.0 / unit) * unit;
    return Math.max(unit, s);
  }

  /**
   * The global view of each of {@code kinds} view kinds at {@code imageSize}: the same crop, flip,
   * jitter and grayscale, each kind's blur and solarization.
   */
  public List<ViewSpec> kinds(int imageSize, int kinds) {
    List<Double> blur = perKind(BLUR_P, blurP, kinds);
    List<Double> sol = perKind(SOLARIZE_P, solarizeP, kinds);
    ViewSpec base =
        new ViewSpec(
            imageSize,
            cropScale.get(0),
            cropScale.get(1),
            rotate,
            flip,
            jitterP,
            jitter.get(0),
            jitter.get(1),
            jitter.get(2),
            jitter.get(3),
            grayscaleP,
            blur.get(0),
            blurSigma.get(0),
            blurSigma.get(1),
            sol.get(0));
    List<ViewSpec> out = new ArrayList<>();
    out.add(base);
    for (int k = 1; k < kinds; k++) {
      out.add(base.withBlurSolarize(blur.get(k), sol.get(k)));
    }
    return out;
  }

  /** {@code view} as a local crop: {@link #localSize}, {@link #localCropScale}. */
  public ViewSpec local(ViewSpec view) {
    return view.withSizeScale(localSize, localCropScale.get(0), localCropScale.get(1));
  }

  private static List<Double> perKind(Key<?> k, List<Double> v, int kinds) {
    if (v.size() == 1 && kinds > 1) {
      List<Double> l = new ArrayList<>();
      for (int i = 0; i < kinds; i++) {
        l.add(v.get(0));
      }
      return l;
    }
    if (v.size() != kinds) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT, "%s needs 1 or %d values for this method: %s", k.option(), kinds, v));
    }
    return v;
  }

  /** Writes the knobs into a flat JSON map. */
  public void toJsonInto(Map<String, Object> m) {
    Object[] v = {
      cropScale,
      localCrops,
      localCropScale,
      localSize,
      rotate,
      flip,
      jitterP,
      jitter,
      grayscaleP,
      blurP,
      blurSigma,
      solarizeP
    };
    for (int i = 0; i < v.length; i++) {
      Overrides.put(m, KEYS.get(i), v[i]);
    }
  }
}
