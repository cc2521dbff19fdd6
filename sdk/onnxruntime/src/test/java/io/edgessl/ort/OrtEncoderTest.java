package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Backends;
import io.edgessl.encoder.Embedding;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.OptimizationLevel;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.YuvRange;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.testing.TestFrames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same frames through ONNX Runtime (with EdgeSSL's preprocessing) and through the independent
 * reference (reference preprocessing, plain-Java graph evaluation): features agree within 1e-4, for
 * every pixel format, odd sizes, every orientation, strides and direct buffers.
 */
class OrtEncoderTest {
  /** The bound on the largest absolute difference of any feature. */
  static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  private ModelBundle bundle(Preset p) throws Exception {
    Path b = dir.resolve(p.id() + ".edgessl");
    RandomModels.writeBundle(p, 11, b);
    return ModelBundle.open(b);
  }

  /** Frames of every format at odd sizes, with random orientation, padding and buffer kind. */
  static List<Frame> frames(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] sizes = {{37, 29}, {23, 41}, {17, 9}, {61, 45}, {31, 31}};
    List<Frame> out = new ArrayList<>();
    for (PixelFormat f : PixelFormat.values()) {
      int[] wh = sizes[r.nextInt(sizes.length)];
      out.add(
          TestFrames.random(
              f,
              wh[0],
              wh[1],
              r.nextLong(),
              r.nextInt(3),
              r.nextBoolean(),
              Orientation.values()[r.nextInt(8)],
              r.nextBoolean() ? YuvRange.LIMITED : YuvRange.FULL));
    }
    return out;
  }

  @Test
  void everyPixelFormatAndOddSizeMatchesTheReference() throws Exception {
    assertTrue(Backends.names().contains("onnxruntime"), Backends.names().toString());
    for (Preset p : new Preset[] {Preset.VIT_TEST, Preset.CONV_TEST, Preset.CONV_MNIST}) {
      ModelBundle b = bundle(p);
      OnnxGraph g = OnnxGraph.read(b.model(Precision.FP32), p.id());
      List<Frame> frames = frames(p.ordinal());
      try (Encoder enc = Encoder.builder(b).threads(1).maxBatch(3).build()) {
        assertEquals("onnxruntime", enc.backend());
        assertEquals(Precision.FP32, enc.precision());
        List<PatchFeatures> batched = enc.features(frames); // batches of 3, 3 and 2
        List<Embedding> embedded = enc.embed(frames);
        for (int i = 0; i < frames.size(); i++) {
          Frame f = frames.get(i);
          float[][] want = Reference.features(b.manifest(), g, f);
          PatchFeatures one = enc.features(f);
          double de = Reference.maxDiff(want[0], one.global().vector());
          double dg = Reference.maxDiff(want[1], one.data());
          assertTrue(de <= TOLERANCE, p.id() + " " + f + " embedding differs by " + de);
          assertTrue(dg <= TOLERANCE, p.id() + " " + f + " patch grid differs by " + dg);
          assertTrue(Reference.maxDiff(want[1], batched.get(i).data()) <= TOLERANCE);
          assertTrue(Reference.maxDiff(want[0], embedded.get(i).vector()) <= TOLERANCE);
          assertEquals(b.manifest().gridHeight(), one.height());
          assertEquals(b.manifest().gridWidth(), one.width());
        }
      }
    }
  }

  @Test
  void vitTinyMatchesTheReferenceAtFullDepth() throws Exception {
    ModelBundle b = bundle(Preset.VIT_TINY);
    OnnxGraph g = OnnxGraph.read(b.model(Precision.FP32), "vit-tiny");
    Frame f =
        TestFrames.random(
            PixelFormat.NV12, 96, 72, 3, 0, true, Orientation.ROTATE_270, YuvRange.LIMITED);
    float[][] want = Reference.features(b.manifest(), g, f);
    try (Encoder enc = Encoder.open(b)) {
      PatchFeatures pf = enc.features(f);
      assertEquals(14, pf.height());
      assertEquals(192, pf.dimension());
      double de = Reference.maxDiff(want[0], pf.global().vector());
      double dg = Reference.maxDiff(want[1], pf.data());
      assertTrue(de <= TOLERANCE, "embedding differs by " + de);
      assertTrue(dg <= TOLERANCE, "patch grid differs by " + dg);
    }
  }

  @Test
  void threadCountsAndOptimizationLevelsAgree() throws Exception {
    ModelBundle b = bundle(Preset.VIT_TEST);
    Frame f = TestFrames.random(PixelFormat.RGB, 40, 30, 9);
    float[] base;
    try (Encoder enc = Encoder.builder(b).threads(1).optimization(OptimizationLevel.NONE).build()) {
      base = enc.features(f).data();
    }
    for (OptimizationLevel level : OptimizationLevel.values()) {
      try (Encoder enc = Encoder.builder(b).threads(2).optimization(level).build()) {
        double d = Reference.maxDiff(base, enc.features(f).data());
        assertTrue(d <= TOLERANCE, level + " differs by " + d);
      }
    }
  }
}
