package io.edgessl.train.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The knobs a run sets explicitly, by {@link Key}; everything else takes the recipe's default when
 * {@link io.edgessl.train.TrainConfig#resolve} builds the config. Mutable, for building.
 */
public final class Overrides {
  private final Map<String, Object> values = new LinkedHashMap<>();

  /** Sets {@code key} to {@code value}; a null value leaves it unset ("not given"). */
  public <T> Overrides set(Key<T> key, T value) {
    if (value != null) {
      values.put(key.name(), key.cast(value));
    }
    return this;
  }

  /** Sets {@code key} unless it is set already. */
  public <T> Overrides setIfAbsent(Key<T> key, T value) {
    if (!values.containsKey(key.name())) {
      set(key, value);
    }
    return this;
  }

  /** The value set for {@code key}, or null. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key.name());
  }

  /** {@code get(key)}, or {@code def} when unset. */
  public <T> T get(Key<T> key, T def) {
    T v = get(key);
    return v != null ? v : def;
  }

  /** Whether {@code key} is set. */
  public boolean has(Key<?> key) {
    return values.containsKey(key.name());
  }

  /** The names of the set keys, in the order they were set. */
  public List<String> names() {
    return List.copyOf(values.keySet());
  }

  /** Copies every set value of {@code other} over this one's. */
  public Overrides putAll(Overrides other) {
    values.putAll(other.values);
    return this;
  }

  /**
   * Reads the non-null values of {@code keys} from a flat JSON map (as written by {@link
   * io.edgessl.train.TrainConfig#toJson}); other entries are ignored.
   */
  public static Overrides fromJson(Map<?, ?> m, Collection<Key<?>> keys) {
    Overrides o = new Overrides();
    for (Key<?> k : keys) {
      Object v = m.get(k.name());
      if (v != null) {
        o.values.put(k.name(), k.fromJson(v));
      }
    }
    return o;
  }

  /** Writes {@code key}'s value (null when unset) into a JSON map. */
  static void put(Map<String, Object> json, Key<?> key, Object value) {
    json.put(key.name(), Key.toJson(value));
  }
}
