package io.edgessl.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Embedding;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.onnx.models.RandomModels;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encoders preprocess with the native kernels where the library runs (asserted, not assumed: the
 * build that requires the native library, {@code -Dedgessl.requireNative=true}, fails here without
 * it), and the native and Java kernels give the same embeddings, bit for bit.
 */
class EncoderKernelsTest {
  @TempDir Path dir;

  @Test
  void encodersPreprocessWithTheNativeKernelsAndMatchTheJavaOnes() throws Exception {
    String nativeName = nativeKernelsName();
    Path b = dir.resolve("vit.edgessl");
    RandomModels.writeBundle(RandomModels.Preset.VIT_TEST, 5, b);
    ModelBundle bundle = ModelBundle.open(b);
    byte[] px = new byte[(int) PixelFormat.NV12.packedSize(50, 38)];
    new SplittableRandom(3).nextBytes(px);
    Frame frame =
        Frame.builder(PixelFormat.NV12, 50, 38)
            .pixels(ByteBuffer.allocateDirect(px.length).put(px).clear())
            .build();
    try (Encoder selected = Encoder.open(bundle);
        Encoder java = Encoder.builder(bundle).kernels("java").build()) {
      assertEquals(KernelSupport.image().name(), selected.kernelsName());
      assertEquals(nativeName != null ? nativeName : "java", selected.kernelsName());
      assertEquals("java", java.kernelsName());
      Embedding a = selected.embed(frame);
      Embedding j = java.embed(frame);
      assertArrayEquals(j.vector(), a.vector());
    }
  }

  /** The native kernels' name where they run, else null (a failure when they are required). */
  private static String nativeKernelsName() {
    try {
      String name = NativeKernels.best().name();
      assertTrue(name.startsWith("native-"), name);
      return name;
    } catch (UnsupportedOperationException e) {
      if (Boolean.getBoolean("edgessl.requireNative")) {
        throw new AssertionError("the native kernels are required but cannot run: " + e, e);
      }
      return null;
    }
  }
}
