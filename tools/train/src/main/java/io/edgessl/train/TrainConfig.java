package io.edgessl.train;

import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.method.Method;
import io.edgessl.train.method.MethodConfig;
import io.edgessl.train.method.MethodType;
import io.edgessl.train.method.Methods;
import io.edgessl.train.model.EncoderSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every knob of a training run, resolved and checked: the reference recipe of the chosen method
 * (REFERENCE.md; DINO's {@code main_dino.py}, SimCLR, MoCo v2 / v3, MAE) plus the run's {@link
 * Overrides}. Each section's record holds its base defaults; a method's {@link MethodType} holds
 * its changes to them ({@link MethodType#recipe}) and its own config record. The resolved config is
 * printed at the start, logged, and saved in each checkpoint as a flat map of snake-case keys
 * ({@link #toJson}), from which a resumed run restores it ({@link #fromJson}).
 *
 * <p>Where a default differs from the reference it is said in the method's registration: the
 * optimizer is AdamW for every method (SimCLR used LARS, MoCo v2 SGD), with the reference's
 * AdamW-equivalent learning rates where one exists (SimCLR and MoCo v2: lr 1e-3 per 256 images,
 * weight decay 1e-6 and 1e-4). Gaussian blur sigma is in pixels of the output view (0.1–2, as in
 * DINO's PIL radius on 224-pixel crops: at 28 pixels that is a much stronger blur, so small images
 * usually want a smaller range).
 *
 * <p>Knobs of another method than the chosen one are ignored (as they always were), and not saved.
 *
 * @param method the method's name
 */
public record TrainConfig(
    String method,
    DataConfig data,
    EncoderConfig encoder,
    OptimConfig optim,
    MethodConfig methodConfig,
    AugmentConfig augment,
    RunConfig run) {
  public static final Key<String> METHOD = Key.string("method");

  /** The knobs every method has, in JSON order. */
  public static final List<Key<?>> SHARED_KEYS = sharedKeys();

  private static List<Key<?>> sharedKeys() {
    List<Key<?>> l = new ArrayList<>(DataConfig.KEYS);
    l.addAll(EncoderConfig.KEYS);
    l.add(METHOD);
    l.addAll(OptimConfig.KEYS);
    l.addAll(AugmentConfig.KEYS);
    l.addAll(RunConfig.KEYS);
    return List.copyOf(l);
  }

  /** The method's recipe with {@code given} over it, resolved and checked. */
  public static TrainConfig resolve(Overrides given) {
    String name = given.get(METHOD, "dino");
    MethodType<?> type = Methods.get(name);
    checkApplies(given, type);
    Overrides o = new Overrides().putAll(type.recipe()).putAll(given);
    DataConfig data = DataConfig.resolve(o);
    EncoderConfig encoder = EncoderConfig.resolve(o);
    OptimConfig optim = OptimConfig.resolve(o);
    MethodConfig mc = type.config().apply(o);
    RunConfig run = RunConfig.resolve(o);
    EncoderSpec spec = encoder.spec(data.channels(), data.imageSize()); // checks the architecture
    AugmentConfig augment = AugmentConfig.resolve(o, spec, data.imageSize(), type.viewKinds());
    TrainConfig c = new TrainConfig(name, data, encoder, optim, mc, augment, run);
    mc.check(c);
    return c;
  }

  /**
   * Refuses a knob that the chosen method does not read (e.g. {@code --mask-ratio} with DINO), so
   * that a flag meant for another method is never silently ignored.
   */
  private static void checkApplies(Overrides given, MethodType<?> type) {
    List<String> known = new ArrayList<>();
    for (Key<?> k : SHARED_KEYS) {
      known.add(k.name());
    }
    for (Key<?> k : type.keys()) {
      known.add(k.name());
    }
    for (String n : given.names()) {
      if (!known.contains(n)) {
        List<String> users = new ArrayList<>();
        for (String m : Methods.names()) {
          if (Methods.get(m).keys().stream().anyMatch(k -> k.name().equals(n))) {
            users.add(m);
          }
        }
        throw new IllegalArgumentException(
            "--"
                + n.replace('_', '-')
                + " does not apply to --method "
                + type.name()
                + (users.isEmpty()
                    ? ""
                    : " (it is an option of " + String.join(", ", users) + ")"));
      }
    }
  }

  /**
   * A config saved by {@link #toJson} (in a checkpoint's {@code options}, or {@code command.json}),
   * resolved again: knobs missing from older files take their defaults; those of other methods are
   * ignored.
   */
  public static TrainConfig fromJson(Map<?, ?> json) {
    return resolve(overridesFromJson(json));
  }

  /** The knobs of a saved config as overrides (the method's and the shared ones). */
  public static Overrides overridesFromJson(Map<?, ?> json) {
    Object m = json.get(METHOD.name());
    MethodType<?> type = Methods.get(m != null ? m.toString() : "dino");
    List<Key<?>> keys = new ArrayList<>(SHARED_KEYS);
    keys.addAll(type.keys());
    return Overrides.fromJson(json, keys);
  }

  /**
   * The config saved in a checkpoint, with {@code changes} over it, which may only touch the
   * runtime knobs ({@link RunConfig#RUNTIME}).
   *
   * @throws IllegalArgumentException naming the options that would change
   */
  public static TrainConfig resume(Map<?, ?> saved, Overrides changes) {
    List<String> changed = new ArrayList<>();
    for (String n : changes.names()) {
      if (!RunConfig.RUNTIME.contains(n)) {
        changed.add("--" + n.replace('_', '-'));
      }
    }
    if (!changed.isEmpty()) {
      throw new IllegalArgumentException(
          "a resumed run keeps the options it was started with; cannot change "
              + String.join(", ", changed)
              + " (start a new run with --out instead)");
    }
    return resolve(overridesFromJson(saved).putAll(changes));
  }

  /** The method's registration. */
  public MethodType<?> type() {
    return Methods.get(method);
  }

  /** The encoder this config trains. */
  public EncoderSpec encoderSpec() {
    return encoder.spec(data.channels(), data.imageSize());
  }

  /** The views of each image, in the order the method reads them. */
  public List<ViewSpec> views() {
    MethodType<?> t = type();
    return t.views().views(augment.kinds(data.imageSize(), t.viewKinds()), augment);
  }

  /**
   * The method this config describes, weights drawn from the seed, its encoders set up for speed
   * (fused attention, channels-last) as asked.
   */
  public Method createMethod() {
    Method m = type().create(encoderSpec(), run.seed(), methodConfig);
    encoder.configure(m.encoder());
    encoder.configure(m.evalEncoder());
    return m;
  }

  /** The flat JSON form: snake-case keys, every knob of the shared sections and the method's. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    data.toJsonInto(m);
    encoder.toJsonInto(m);
    m.put(METHOD.name(), method);
    optim.toJsonInto(m);
    methodConfig.toJson(m);
    augment.toJsonInto(m);
    run.toJsonInto(m);
    return m;
  }
}
