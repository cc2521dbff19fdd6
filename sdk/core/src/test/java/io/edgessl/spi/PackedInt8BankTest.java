package io.edgessl.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedInt8BankTest {
  @Test
  void quantizationIsSymmetricPerVectorWithRoundingHalfToEven() {
    // max |v| = 2.54, so codes are v * 50 rounded half to even: 0.01 * 50 = 0.5 -> 0, 0.03 -> 2
    float[] v = {2.54f, -2.54f, 0.01f, 0.03f, -1.27f, 0f};
    byte[] c = new byte[8];
    float scale = PackedInt8Bank.quantize(v, 0, 6, c, 1);
    assertEquals(2.54f / 127, scale);
    assertArrayEquals(new byte[] {0, 127, -127, 0, 2, -64, 0, 0}, c);
    // dequantized within half a step
    for (int d = 0; d < 6; d++) {
      assertEquals(v[d], c[d + 1] * scale, scale / 2 + 1e-7);
    }
  }

  @Test
  void zeroVectorHasZeroScaleAndCodes() {
    byte[] c = {5, 5};
    assertEquals(0f, PackedInt8Bank.quantize(new float[] {0, -0f}, 0, 2, c, 0));
    assertArrayEquals(new byte[] {0, 0}, c);
  }

  @Test
  void nonFiniteComponentsAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PackedInt8Bank.quantize(new float[] {1, Float.NaN}, 0, 2, new byte[2], 0));
    assertEquals("cannot quantize a non-finite component: NaN", e.getMessage());
  }

  @Test
  void layoutGroupsFourComponentsPerSlot() {
    assertEquals(4, PackedInt8Bank.paddedDim(1));
    assertEquals(8, PackedInt8Bank.paddedDim(8));
    assertEquals(788, PackedInt8Bank.paddedDim(785));
    // slot 65 (block 1, column 1), component 6 (group 1, lane 2), dim 7 (pdim 8)
    assertEquals(8 * 64 + 256 + 4 + 2, PackedInt8Bank.index(65, 6, 7));
    assertEquals(2 * 64 * 8, PackedInt8Bank.length(65, 7));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PackedInt8Bank.paddedDim(0));
    assertEquals("INT8 dimension must be in 1..131072: 0", e.getMessage());
  }

  @Test
  void putAndGetRoundTripEverySlot() {
    SplittableRandom r = new SplittableRandom(3);
    int dim = 13;
    int n = 130;
    byte[] bank = new byte[PackedInt8Bank.length(n, dim)];
    byte[][] rows = new byte[n][dim];
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < dim; d++) {
        rows[s][d] = (byte) r.nextInt(-127, 128);
      }
      PackedInt8Bank.put(bank, s, rows[s], 0, dim);
    }
    byte[] out = new byte[dim + 2];
    for (int s = 0; s < n; s++) {
      PackedInt8Bank.get(bank, s, out, 2, dim);
      for (int d = 0; d < dim; d++) {
        assertEquals(rows[s][d], out[2 + d]);
        assertEquals(rows[s][d], bank[PackedInt8Bank.index(s, d, dim)]);
      }
    }
    // padding components (13..15) and the unused slots of the last block stay zero
    for (int s = 0; s < 192; s++) {
      for (int d = 13; d < 16; d++) {
        assertEquals(0, bank[PackedInt8Bank.index(s, d, dim)]);
      }
    }
  }
}
