package io.edgessl.train.method;

import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.model.EncoderSpec;
import java.util.List;
import java.util.function.Function;

/**
 * A registered method ({@link Methods}): everything that is particular to it, declared once as a
 * constant of the method's class.
 *
 * @param name the name ({@code --method})
 * @param configType the method's config record
 * @param keys the config's knobs
 * @param config resolves the config from the given knobs (its defaults are the recipe's)
 * @param recipe the method's defaults of the shared knobs (learning rate, augmentations, ...)
 * @param viewKinds how many kinds of view it reads (per-kind augmentation lists have this length)
 * @param views the views of each image, in the order {@link Method#loss} reads them
 * @param factory builds the method
 * @param evalPrefix where a checkpoint keeps the backbone that evaluation and export use
 * @param <C> the config record
 */
public record MethodType<C extends MethodConfig>(
    String name,
    Class<C> configType,
    List<Key<?>> keys,
    Function<Overrides, C> config,
    Overrides recipe,
    int viewKinds,
    ViewPlan views,
    Factory<C> factory,
    String evalPrefix) {

  /** Builds a method from its config. */
  @FunctionalInterface
  public interface Factory<C> {
    /** A new method on {@code spec}'s encoder, weights drawn from {@code seed}. */
    Method create(EncoderSpec spec, long seed, C config);
  }

  /** Lays out the views of each image. */
  @FunctionalInterface
  public interface ViewPlan {
    /**
     * @param kinds the global view of each kind ({@link AugmentConfig#kinds})
     * @param augment the run's augmentations (local crops)
     */
    List<ViewSpec> views(List<ViewSpec> kinds, AugmentConfig augment);
  }

  /** Builds this method from {@code config} (which must be this method's). */
  public Method create(EncoderSpec spec, long seed, MethodConfig config) {
    return factory.create(spec, seed, configType.cast(config));
  }
}
