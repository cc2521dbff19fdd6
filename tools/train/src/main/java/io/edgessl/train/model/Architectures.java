package io.edgessl.train.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture registry: families ({@link Architecture}) and their presets, by name. A new
 * family is one class plus one {@link #register} line here; a new preset of a family is one {@link
 * #preset} line.
 */
public final class Architectures {
  /** Builds a preset's spec for the data's channels and size. */
  @FunctionalInterface
  public interface Preset {
    /** The preset's spec for {@code channels x imageSize x imageSize} inputs. */
    EncoderSpec spec(String arch, int channels, int imageSize);
  }

  private record Entry(Architecture family, Preset preset) {}

  private static final Map<String, Architecture> FAMILIES = new LinkedHashMap<>();
  private static final Map<String, Entry> PRESETS = new LinkedHashMap<>();

  static {
    register(VitArchitecture.INSTANCE);
    register(ResNetArchitecture.INSTANCE);
    preset(
        "vit-tiny", VitArchitecture.INSTANCE, (a, c, s) -> VitArchitecture.preset(a, c, s, 192, 3));
    preset(
        "vit-small",
        VitArchitecture.INSTANCE,
        (a, c, s) -> VitArchitecture.preset(a, c, s, 384, 6));
    preset(
        "resnet-tiny",
        ResNetArchitecture.INSTANCE,
        (a, c, s) ->
            ResNetArchitecture.preset(a, c, s, new int[] {32, 64, 128}, new int[] {1, 1, 1}));
    preset(
        "resnet-small",
        ResNetArchitecture.INSTANCE,
        (a, c, s) ->
            ResNetArchitecture.preset(a, c, s, new int[] {64, 128, 256}, new int[] {2, 2, 2}));
  }

  private Architectures() {}

  /** Adds a family; its name must be new. */
  public static synchronized void register(Architecture family) {
    if (FAMILIES.putIfAbsent(family.name(), family) != null) {
      throw new IllegalArgumentException(
          "architecture family '" + family.name() + "' is registered already");
    }
  }

  /** Adds a preset of a registered {@code family}; its name must be new. */
  public static synchronized void preset(String name, Architecture family, Preset preset) {
    if (FAMILIES.get(family.name()) != family) {
      throw new IllegalArgumentException(
          "architecture family '" + family.name() + "' is not registered");
    }
    if (PRESETS.putIfAbsent(name, new Entry(family, preset)) != null) {
      throw new IllegalArgumentException("architecture '" + name + "' is registered already");
    }
  }

  /** Removes a family and its presets (for tests that register their own). */
  static synchronized void unregister(Architecture family) {
    FAMILIES.remove(family.name(), family);
    PRESETS.values().removeIf(e -> e.family() == family);
  }

  /** Removes a preset (for tests that register their own). */
  static synchronized void unregisterPreset(String name) {
    PRESETS.remove(name);
  }

  /** The preset names, in registration order. */
  public static synchronized List<String> names() {
    return List.copyOf(PRESETS.keySet());
  }

  /** Every registered family. */
  public static synchronized List<Architecture> families() {
    return new ArrayList<>(FAMILIES.values());
  }

  /**
   * The family of architecture {@code arch}: its preset's, else the family whose name it starts
   * with; fails with the list of presets.
   */
  public static synchronized Architecture family(String arch) {
    Entry e = PRESETS.get(arch);
    if (e != null) {
      return e.family();
    }
    for (Architecture f : FAMILIES.values()) {
      if (arch.startsWith(f.name())) {
        return f;
      }
    }
    throw unknown(arch);
  }

  /** The spec of preset {@code arch} for {@code channels x imageSize x imageSize} inputs. */
  public static EncoderSpec preset(String arch, int channels, int imageSize) {
    Entry e;
    synchronized (Architectures.class) {
      e = PRESETS.get(arch);
      if (e == null) {
        throw unknown(arch);
      }
    }
    return e.preset().spec(arch, channels, imageSize);
  }

  private static IllegalArgumentException unknown(String arch) {
    return new IllegalArgumentException(
        "unknown architecture '"
            + arch
            + "'; expected one of "
            + String.join(", ", PRESETS.keySet()));
  }
}
