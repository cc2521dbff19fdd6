package io.edgessl.benchmarks;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.internal.kernels.JavaImageKernels;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.ImageKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The preprocessing kernel, native against its Java twin: one camera frame (random pixels, in a
 * direct buffer as cameras deliver them) through DINO's evaluation transform (short side to 256,
 * centre crop 224 x 224, RGB planes, ImageNet mean and std) into a direct float buffer, as {@code
 * Encoder} does it. Scores are frames per second, one thread.
 *
 * <pre>
 * java -jar benchmarks/target/edgessl-benchmarks-*.jar PreprocessBenchmark
 * java -jar benchmarks/target/edgessl-benchmarks-*.jar PreprocessBenchmark -p format=NV12 -p frame=1280x720
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PreprocessBenchmark {
  /** {@code java}, or a native variant ({@code best}: the fastest this CPU runs). */
  @Param({"java", "best"})
  public String variant;

  @Param({"RGB", "BGR", "RGBA", "BGRA", "GRAY", "NV12", "NV21", "YUYV"})
  public String format;

  @Param({"BILINEAR", "BICUBIC"})
  public String filter;

  /** Frame size, {@code WIDTHxHEIGHT}. */
  @Param({"1280x720"})
  public String frame;

  private Preprocessor pre;
  private Frame input;
  private FloatBuffer out;

  @Setup
  public void setup() {
    ImageKernels kernels =
        switch (variant) {
          case "java" -> JavaImageKernels.instance();
          case "best" -> NativeKernels.best();
          default -> NativeKernels.of(variant);
        };
    String[] wh = frame.split("x");
    int w = Integer.parseInt(wh[0]);
    int h = Integer.parseInt(wh[1]);
    PixelFormat pf = PixelFormat.valueOf(format);
    Preprocessing spec =
        Preprocessing.builder(224, 224)
            .color(ColorMode.RGB)
            .normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
            .resizeShortSide(256, Interpolation.valueOf(filter))
            .build();
    byte[] px = new byte[(int) pf.packedSize(w, h)];
    new SplittableRandom(7).nextBytes(px);
    ByteBuffer direct = ByteBuffer.allocateDirect(px.length).put(px).clear();
    input = Frame.builder(pf, w, h).pixels(direct).build();
    pre = new Preprocessor(spec, kernels);
    out =
        ByteBuffer.allocateDirect(4 * pre.outputSize())
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
  }

  @Benchmark
  public FloatBuffer preprocess() {
    pre.run(input, out, 0);
    return out;
  }
}
