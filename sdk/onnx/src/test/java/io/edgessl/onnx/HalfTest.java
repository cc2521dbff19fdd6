package io.edgessl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Half conversion against the JDK's own ({@code Float.floatToFloat16} and {@code float16ToFloat},
 * Java 20), which this module (Java 17) cannot call directly: every half, every midpoint between
 * neighbouring halves (ties to even), the overflow and underflow edges, and random floats.
 */
class HalfTest {
  private static MethodHandle jdk(String name, Class<?> ret, Class<?> arg) {
    try {
      return MethodHandles.publicLookup()
          .findStatic(Float.class, name, MethodType.methodType(ret, arg));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static final MethodHandle TO_HALF = jdk("floatToFloat16", short.class, float.class);
  private static final MethodHandle TO_FLOAT = jdk("float16ToFloat", float.class, short.class);

  private static short jdkHalf(float f) throws Throwable {
    return (short) TO_HALF.invokeExact(f);
  }

  private static void same(float f) throws Throwable {
    short want = jdkHalf(f);
    short got = Half.fromFloat(f);
    if (Float.isNaN(f)) {
      assertTrue(Float.isNaN(Half.toFloat(got)), "NaN stays NaN");
    } else {
      assertEquals(want, got, () -> "half of " + f + " (" + Float.floatToRawIntBits(f) + ")");
    }
  }

  @Test
  void everyHalfAndEveryMidpointMatchesTheJdk() throws Throwable {
    assumeTrue(TO_HALF != null && TO_FLOAT != null, "needs Java 20 or later to compare");
    for (int h = 0; h < 0x10000; h++) {
      short s = (short) h;
      float f = Half.toFloat(s);
      float want = (float) TO_FLOAT.invokeExact(s);
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(f), "float of half " + h);
      same(f);
      if ((h & 0x7c00) != 0x7c00 && (h & 0x7fff) != 0x7bff) { // finite with a finite successor
        float next = Half.toFloat((short) (h + 1));
        same((f + next) / 2); // exactly halfway: rounds to the even one
        same(Math.nextUp((f + next) / 2));
        same(Math.nextDown((f + next) / 2));
      }
    }
  }

  @Test
  void edgesAndRandomFloatsMatchTheJdk() throws Throwable {
    assumeTrue(TO_HALF != null, "needs Java 20 or later to compare");
    float[] edges = {
      0f,
      -0f,
      65504f,
      65519.99f,
      65520f,
      -65520f,
      1e9f,
      Float.MAX_VALUE,
      Float.MIN_VALUE,
      0x1p-24f,
      0x1p-25f,
      Math.nextUp(0x1p-25f),
      0x1.8p-25f,
      0x1p-14f,
      Math.nextDown(0x1p-14f),
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN
    };
    for (float f : edges) {
      same(f);
    }
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 1_000_000; i++) {
      same(Float.intBitsToFloat(r.nextInt()));
      same((float) (r.nextGaussian() * 10));
    }
    assertEquals(Half.MAX, Half.toFloat(Half.fromFloat(65519f)));
  }
}
