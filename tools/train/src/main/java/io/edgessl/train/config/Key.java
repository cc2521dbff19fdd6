package io.edgessl.train.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One knob of a training run: its snake-case name (the JSON key in checkpoints and {@code
 * command.json}; the command line's option is the same name in kebab case) and its value type.
 * Values are immutable: lists are copied.
 *
 * @param <T> the value type
 */
public final class Key<T> {
  private enum Kind {
    STRING,
    PATH,
    INT,
    LONG,
    DOUBLE,
    BOOL,
    DOUBLES,
    INTS
  }

  private final String name;
  private final Kind kind;

  private Key(String name, Kind kind) {
    this.name = name;
    this.kind = kind;
  }

  /** A text knob. */
  public static Key<String> string(String name) {
    return new Key<>(name, Kind.STRING);
  }

  /** A file-system path. */
  public static Key<Path> path(String name) {
    return new Key<>(name, Kind.PATH);
  }

  /** An int. */
  public static Key<Integer> integer(String name) {
    return new Key<>(name, Kind.INT);
  }

  /** A long. */
  public static Key<Long> longValue(String name) {
    return new Key<>(name, Kind.LONG);
  }

  /** A double. */
  public static Key<Double> real(String name) {
    return new Key<>(name, Kind.DOUBLE);
  }

  /** A boolean. */
  public static Key<Boolean> bool(String name) {
    return new Key<>(name, Kind.BOOL);
  }

  /** A list of doubles. */
  public static Key<List<Double>> reals(String name) {
    return new Key<>(name, Kind.DOUBLES);
  }

  /** A list of ints. */
  public static Key<List<Integer>> integers(String name) {
    return new Key<>(name, Kind.INTS);
  }

  /** The JSON key, e.g. {@code mlp_ratio}. */
  public String name() {
    return name;
  }

  /** The command-line option, e.g. {@code --mlp-ratio}. */
  public String option() {
    return "--" + name.replace('_', '-');
  }

  /** {@code v} as this key's type, copied if a list. */
  @SuppressWarnings("unchecked")
  T cast(Object v) {
    return (T)
        switch (kind) {
          case STRING -> (String) v;
          case PATH -> (Path) v;
          case INT -> (Integer) v;
          case LONG -> (Long) v;
          case DOUBLE -> (Double) v;
          case BOOL -> (Boolean) v;
          case DOUBLES, INTS -> List.copyOf((List<?>) v);
        };
  }

  /** The value of a JSON value (numbers of any width, lists of numbers, strings). */
  @SuppressWarnings("unchecked")
  T fromJson(Object v) {
    return (T)
        switch (kind) {
          case STRING -> v.toString();
          case PATH -> Path.of(v.toString());
          case INT -> Math.toIntExact(((Number) v).longValue());
          case LONG -> ((Number) v).longValue();
          case DOUBLE -> ((Number) v).doubleValue();
          case BOOL -> (Boolean) v;
          case DOUBLES -> {
            List<Double> l = new ArrayList<>();
            for (Object e : (List<?>) v) {
              l.add(((Number) e).doubleValue());
            }
            yield List.copyOf(l);
          }
          case INTS -> {
            List<Integer> l = new ArrayList<>();
            for (Object e : (List<?>) v) {
              l.add(Math.toIntExact(((Number) e).longValue()));
            }
            yield List.copyOf(l);
          }
        };
  }

  /** The JSON form of a value: paths as text, the rest as is. */
  static Object toJson(Object v) {
    return v instanceof Path p ? p.toString() : v;
  }

  @Override
  public String toString() {
    return name;
  }
}
