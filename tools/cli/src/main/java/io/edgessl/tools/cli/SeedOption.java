package io.edgessl.tools.cli;

import picocli.CommandLine.Option;

/** {@code --seed S}: the seed of a command's random choices; the same seed, the same result. */
public final class SeedOption {
  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Random seed. Default: the command's (see its description).")
  public Long seed;

  /** The seed given, or {@code fallback}. */
  public long or(long fallback) {
    return seed != null ? seed : fallback;
  }
}
