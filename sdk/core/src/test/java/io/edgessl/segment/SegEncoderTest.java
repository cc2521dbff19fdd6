package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.testing.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmenters on frames, end to end, with the test pooling backend (each patch feature is the
 * patch's mean normalized colour, D = 3): a 32 x 32 input with patch 8, frames resized to a short
 * side of 36 then centre-cropped.
 */
class SegEncoderTest {
  @TempDir Path dir;

  private Encoder open() throws Exception {
    Path p = dir.resolve("pool.edgessl");
    BundleWriter.write(
        p,
        TestBundles.manifest(),
        Map.of("encoder.fp32.onnx", "pool".getBytes(StandardCharsets.US_ASCII)));
    return Encoder.builder(ModelBundle.open(p)).backend("test-pooling").build();
  }

  /**
   * A 36 x 48 frame, {@code left} colour for columns below 24, {@code right} from 24 on. Its
   * window: resized to 36 x 48 (no change), cropped from row 2, column 8: frame column 24 is input
   * column 16, the boundary between patch columns 1 and 2.
   */
  static Frame split(int[] left, int[] right) {
    byte[] px = new byte[36 * 48 * 3];
    for (int y = 0; y < 36; y++) {
      for (int x = 0; x < 48; x++) {
        int[] c = x < 24 ? left : right;
        for (int ch = 0; ch < 3; ch++) {
          px[(y * 48 + x) * 3 + ch] = (byte) c[ch];
        }
      }
    }
    return Frame.of(px, PixelFormat.RGB, 48, 36);
  }

  static final int[] RED = {220, 30, 30};
  static final int[] BLUE = {30, 30, 220};

  @Test
  void segmentsFramesAtTheirOwnResolution() throws Exception {
    try (Encoder encoder = open()) {
      Frame ref = split(RED, BLUE);
      Mask refMask = Synthetic.mask(36, 48, (y, x) -> x < 24 ? 1 : 0);
      LabelTransferSegmenter s =
          LabelTransferSegmenter.create(encoder, List.of(ref), List.of(refMask));
      // Bilinear between patch columns 1 and 2 (centres at input 11.5 and 19.5) switches at
      // input 15.5, frame 23.5; columns outside the crop take the nearest in-crop label.
      assertEquals(refMask, s.segment(ref));
      assertEquals(refMask, s.segment(ref, Refinement.defaults()));
      Frame swapped = split(BLUE, RED);
      assertEquals(Synthetic.mask(36, 48, (y, x) -> x < 24 ? 0 : 1), s.segment(swapped));
      // A frame stored 36 wide x 48 high, red rows above blue rows, turned upright by a quarter
      // turn: the mask has the upright size, 36 x 48, and the red half (left or right, by the
      // direction of the turn) is labelled 1.
      byte[] px = new byte[48 * 36 * 3];
      for (int i = 0; i < 48 * 36; i++) {
        int[] c = i / 36 < 24 ? RED : BLUE;
        for (int ch = 0; ch < 3; ch++) {
          px[i * 3 + ch] = (byte) c[ch];
        }
      }
      Frame turned =
          Frame.builder(PixelFormat.RGB, 36, 48)
              .pixels(px)
              .orientation(Orientation.ROTATE_90)
              .build();
      Mask m = s.segment(turned);
      Mask flipped = Synthetic.mask(36, 48, (y, x) -> x < 24 ? 0 : 1);
      assertTrue(m.equals(refMask) || m.equals(flipped), m.toString());

      ClusterSegmenter clusters = ClusterSegmenter.fit(encoder, List.of(ref, swapped), 2, 0);
      ConfusionMatrix cm = ConfusionMatrix.clusters(2, 2, ConfusionMatrix.NO_IGNORE);
      cm.add(clusters.segment(swapped), Synthetic.mask(36, 48, (y, x) -> x < 24 ? 0 : 1));
      assertEquals(1.0, cm.matched().pixelAccuracy());

      LinearHeadSegmenter head =
          LinearHeadSegmenter.train(
              encoder, List.of(ref), List.of(refMask), LinearHeadSegmenter.Training.defaults());
      LinearHeadSegmenter back = LinearHeadSegmenter.fromBytes(head.toBytes(), encoder);
      assertEquals(Synthetic.mask(36, 48, (y, x) -> x < 24 ? 0 : 1), back.segment(swapped));
    }
  }

  @Test
  void rejectsMasksOfAnotherSizeAndHeadsOfAnotherDimension() throws Exception {
    try (Encoder encoder = open()) {
      Frame ref = split(RED, BLUE);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  LabelTransferSegmenter.create(
                      encoder, List.of(ref), List.of(Mask.filled(48, 36, 1))));
      assertEquals(
          "reference mask 0 is 48x36 but its frame is 36x48 upright (height x width)",
          e.getMessage());
      byte[] wide = SegLinearHeadTest.trained().toBytes(); // dimension 12, the encoder's is 3
      EdgeSslException x =
          assertThrows(EdgeSslException.class, () -> LinearHeadSegmenter.fromBytes(wide, encoder));
      assertEquals(ErrorCode.SHAPE_MISMATCH, x.code());
    }
  }
}
