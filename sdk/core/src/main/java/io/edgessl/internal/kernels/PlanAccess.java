package io.edgessl.internal.kernels;

import io.edgessl.spi.PreprocessPlan;
import java.util.Objects;
import java.util.function.Function;

/**
 * The kernels' view of a {@link PreprocessPlan}'s arrays without copying them (the JDK's {@code
 * SharedSecrets} pattern): the plan registers its accessor once, when its class initializes; this
 * package is exported only to EdgeSSL's kernel modules, so applications cannot reach the arrays.
 */
public final class PlanAccess {
  private static volatile Function<PreprocessPlan, PlanTables> accessor;

  private PlanAccess() {}

  /**
   * Called once by {@link PreprocessPlan}'s static initializer.
   *
   * @throws IllegalStateException on a second call
   */
  public static synchronized void register(Function<PreprocessPlan, PlanTables> f) {
    if (accessor != null) {
      throw new IllegalStateException("PlanAccess is registered already");
    }
    accessor = Objects.requireNonNull(f, "f");
  }

  /** The plan's own tables (not copies: read them, never write). */
  public static PlanTables tables(PreprocessPlan plan) {
    // A plan exists, so its class has initialized and registered the accessor.
    return accessor.apply(Objects.requireNonNull(plan, "plan"));
  }
}
