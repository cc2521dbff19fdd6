import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;

/**
 * Run on a JDK 17 with the core and the native module (compiled for 22) on the class path: prints
 * the kernels the core chose and the result of a k-NN search and of a preprocessing run. Compiled
 * at test time with --release 17 by Jdk17Test.
 */
public final class Jdk17Probe {
  public static void main(String[] args) {
    KnnIndex index = new KnnIndex(4);
    index.add("x", new float[] {1, 0, 0, 0});
    index.add("y", new float[] {0, 1, 0, 0});
    index.add("z", new float[] {0, 0, 1, 0});
    Neighbors n = index.search(new float[] {0.1f, 0.9f, 0.2f, 0}, 2);
    System.out.println("knn " + index.kernelsName() + " " + n.label(0) + " " + n.label(1));
    Preprocessor pre =
        new Preprocessor(
            Preprocessing.builder(2, 2).color(ColorMode.GRAY).stretch(Interpolation.BILINEAR)
                .normalize(new float[] {0}, new float[] {1}).build());
    float[] out = new float[4];
    pre.run(Frame.of(new byte[] {0, (byte) 255, (byte) 255, 0}, PixelFormat.GRAY, 2, 2), out, 0);
    System.out.println("image " + pre.kernelsName() + " " + out[0] + " " + out[1]);
  }
}
