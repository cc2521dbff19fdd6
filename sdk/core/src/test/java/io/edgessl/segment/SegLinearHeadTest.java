package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.encoder.PatchFeatures;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

class SegLinearHeadTest {
  static final int D = 12;
  static final float[] CENTRES = Synthetic.centres(3, D, 21);

  static IntBinaryOperator layout(int f) {
    return (y, x) -> (y + x + f) % 3;
  }

  static LinearHeadSegmenter trained() {
    List<PatchFeatures> features =
        List.of(
            Synthetic.grid(4, 4, CENTRES, D, layout(0), 0.1f, 1),
            Synthetic.grid(4, 4, CENTRES, D, layout(1), 0.1f, 2));
    // Labels 0, 2 and 7 for centres 0, 1, 2: channels need not be contiguous labels.
    List<Mask> masks =
        List.of(
            Synthetic.mask(
                64, 64, (y, x) -> new int[] {0, 2, 7}[layout(0).applyAsInt(y / 16, x / 16)]),
            Synthetic.mask(
                64, 64, (y, x) -> new int[] {0, 2, 7}[layout(1).applyAsInt(y / 16, x / 16)]));
    return LinearHeadSegmenter.train(
        Synthetic.STRETCH_64, features, masks, LinearHeadSegmenter.Training.defaults());
  }

  @Test
  void learnsASeparableTaskDeterministically() {
    LinearHeadSegmenter head = trained();
    assertArrayEquals(new int[] {0, 2, 7}, head.labels());
    PatchFeatures target = Synthetic.grid(4, 4, CENTRES, D, layout(2), 0.1f, 3);
    LabelScores scores = head.scores(target);
    assertEquals(
        Synthetic.mask(4, 4, (y, x) -> new int[] {0, 2, 7}[layout(2).applyAsInt(y, x)]),
        scores.argmax());
    assertTrue(scores.score(0, 0, 7) > 0.9f, "confident: " + scores.score(0, 0, 7));
    assertEquals(head, trained());
  }

  @Test
  void roundTripsItsBytes() throws Exception {
    LinearHeadSegmenter head = trained();
    byte[] bytes = head.toBytes();
    assertEquals(16 + 4 * 3 + 4 * D * 3 + 4 * 3 + 4, bytes.length);
    LinearHeadSegmenter back = LinearHeadSegmenter.fromBytes(bytes, Synthetic.STRETCH_64);
    assertEquals(head, back);
    PatchFeatures target = Synthetic.grid(4, 4, CENTRES, D, layout(2), 0.1f, 3);
    assertArrayEquals(head.scores(target).toArray(), back.scores(target).toArray());
  }

  @Test
  void rejectsCorruptBytes() {
    byte[] good = trained().toBytes();
    assertCorrupt(new byte[] {1, 2, 3}, "not a linear head: it holds 3 bytes, fewer than a header");
    byte[] b = good.clone();
    b[0] = 'X';
    assertCorrupt(b, "not a linear head: it does not start with the magic ESLH");
    b = good.clone();
    b[40] ^= 1;
    assertCorrupt(b, "not a linear head: its checksum does not match");
    b = java.util.Arrays.copyOf(good, good.length - 1);
    assertCorrupt(
        b, "not a linear head: it holds 187 bytes, 188 expected for dimension 12 and 3 classes");
    byte[] v2 = good.clone();
    ByteBuffer.wrap(v2).putInt(4, 2);
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class, () -> LinearHeadSegmenter.fromBytes(v2, Synthetic.STRETCH_64));
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
  }

  private static void assertCorrupt(byte[] bytes, String message) {
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () -> LinearHeadSegmenter.fromBytes(bytes, Synthetic.STRETCH_64));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void ignoresTheIgnoreLabel() {
    // The masks of trained() with a 255 border 4 pixels wide around every cell (VOC style): the
    // labels stay 0, 2 and 7 and the head still separates them.
    List<PatchFeatures> features =
        List.of(
            Synthetic.grid(4, 4, CENTRES, D, layout(0), 0.1f, 1),
            Synthetic.grid(4, 4, CENTRES, D, layout(1), 0.1f, 2));
    List<Mask> masks =
        List.of(
            Synthetic.mask(64, 64, (y, x) -> bordered(0, y, x)),
            Synthetic.mask(64, 64, (y, x) -> bordered(1, y, x)));
    LinearHeadSegmenter head =
        LinearHeadSegmenter.train(
            Synthetic.STRETCH_64,
            features,
            masks,
            new LinearHeadSegmenter.Training(300, 0.05f, 1e-4f, 0, 255));
    assertArrayEquals(new int[] {0, 2, 7}, head.labels());
    PatchFeatures target = Synthetic.grid(4, 4, CENTRES, D, layout(2), 0.1f, 3);
    assertEquals(
        Synthetic.mask(4, 4, (y, x) -> new int[] {0, 2, 7}[layout(2).applyAsInt(y, x)]),
        head.scores(target).argmax());
  }

  static int bordered(int f, int y, int x) {
    int inY = y % 16;
    int inX = x % 16;
    if (inY < 2 || inY >= 14 || inX < 2 || inX >= 14) {
      return 255;
    }
    return new int[] {0, 2, 7}[layout(f).applyAsInt(y / 16, x / 16)];
  }

  @Test
  void needsTwoLabels() {
    PatchFeatures f = Synthetic.grid(4, 4, CENTRES, D, (y, x) -> 0, 0.1f, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LinearHeadSegmenter.train(
                    Synthetic.STRETCH_64,
                    List.of(f),
                    List.of(Mask.filled(64, 64, 3)),
                    LinearHeadSegmenter.Training.defaults()));
    assertEquals(
        "the training masks hold only label 3: a classifier needs at least two labels",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearHeadSegmenter.Training(0, 0.1f, 0, 0, ConfusionMatrix.NO_IGNORE));
  }
}
