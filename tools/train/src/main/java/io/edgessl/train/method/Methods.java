package io.edgessl.train.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The method registry: name to {@link MethodType}. A new method is one class (extending {@link
 * Method}, with its config record and a {@code TYPE} constant) plus one {@link #register} line
 * here.
 */
public final class Methods {
  private static final Map<String, MethodType<?>> TYPES = new LinkedHashMap<>();

  static {
    register(Dino.TYPE);
    register(SimClr.TYPE);
    register(MocoV3.TYPE);
    register(MocoV2.TYPE);
    register(Mae.TYPE);
  }

  private Methods() {}

  /** Adds a method; its name must be new. */
  public static synchronized void register(MethodType<?> type) {
    if (TYPES.putIfAbsent(type.name(), type) != null) {
      throw new IllegalArgumentException("method '" + type.name() + "' is registered already");
    }
  }

  /** The names, in registration order. */
  public static synchronized List<String> names() {
    return List.copyOf(TYPES.keySet());
  }

  /** Every registered method. */
  public static synchronized List<MethodType<?>> all() {
    return new ArrayList<>(TYPES.values());
  }

  /** The method called {@code name}; fails with the list of known ones. */
  public static synchronized MethodType<?> get(String name) {
    MethodType<?> t = TYPES.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown method '" + name + "'; expected one of " + String.join(", ", TYPES.keySet()));
    }
    return t;
  }
}
