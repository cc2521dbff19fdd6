package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's SDK example, compiled and run on the shipped model and real Fashion-MNIST images:
 * the README's code block must be this file's {@code README} region, line for line (after the two
 * lines that name the files), so the README cannot drift from code that works.
 */
class ReadmeExampleTest {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
  private static final String[] CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  /** A labelled image: 28 x 28 grey pixels, row-major. */
  record Example(String label, byte[] pixels) {}

  /** The README's example: prints a line per image; returns the restored classifier. */
  static KnnClassifier example(Path model, Path bank, List<Example> examples, List<byte[]> camera)
      throws EdgeSslException {
    // README:begin
    try (Encoder encoder = Encoder.open(ModelBundle.open(model))) { // FP32, the bundle default
      KnnClassifier classifier =
          KnnClassifier.builder(encoder.dimension()) // 6272 for this model
              .k(20)
              .temperature(0.07) // DINO's k-NN vote
              .build();
      for (Example ex : examples) { // a few labelled images, enrolled at run time
        Frame f = Frame.builder(PixelFormat.GRAY, 28, 28).pixels(ex.pixels()).build();
        classifier.enroll(ex.label(), encoder.embed(f));
      }
      for (byte[] image : camera) { // frames to recognise
        Frame frame = Frame.builder(PixelFormat.GRAY, 28, 28).pixels(image).build();
        Prediction p = classifier.classify(encoder.embed(frame));
        System.out.println(p.label() + " " + p.score(0)); // the best class and its vote
      }
      classifier.save(bank); // examples, k and T: atomic, checksummed
    }
    KnnClassifier restored = KnnClassifier.load(bank); // one call brings it all back
    // README:end
    return restored;
  }

  @Test
  void readmeShowsThisCode() throws IOException {
    List<String> code =
        region(Files.readAllLines(Path.of("src/test/java/io/edgessl/ort/ReadmeExampleTest.java")));
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
    int start = readme.indexOf("Path bank = Path.of(\"enrolled.knn\");");
    assertTrue(start > 0, "README: the SDK example's first lines");
    List<String> block = new ArrayList<>();
    for (int i = start + 1; !readme.get(i).equals("```"); i++) {
      block.add(readme.get(i));
    }
    assertEquals(
        code, block, "README's SDK example differs from ReadmeExampleTest's README region");
  }

  @Test
  void classifiesFashionMnistWithTenShotsPerClass(@TempDir Path tmp) throws Exception {
    boolean data = Files.exists(DATA.resolve("train-images-idx3-ubyte.gz"));
    if (Boolean.getBoolean("edgessl.requireData")) {
      assertTrue(data, "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist");
    }
    assumeTrue(data, "Fashion-MNIST not installed");
    byte[][] train = images(DATA.resolve("train-images-idx3-ubyte.gz"), 2000);
    int[] trainLabels = labels(DATA.resolve("train-labels-idx1-ubyte.gz"), 2000);
    byte[][] test = images(DATA.resolve("t10k-images-idx3-ubyte.gz"), 100);
    int[] testLabels = labels(DATA.resolve("t10k-labels-idx1-ubyte.gz"), 100);
    List<Example> examples = new ArrayList<>();
    int[] shots = new int[CLASSES.length];
    for (int i = 0; i < train.length; i++) {
      if (shots[trainLabels[i]]++ < 10) {
        examples.add(new Example(CLASSES[trainLabels[i]], train[i]));
      }
    }
    assertEquals(100, examples.size());
    Path model = ROOT.resolve("models/fashion-mnist-resnet-tiny.edgessl");
    Path bank = tmp.resolve("enrolled.knn");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    KnnClassifier restored;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      restored = example(model, bank, examples, List.of(test));
    } finally {
      System.setOut(stdout);
    }
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(test.length, lines.length);
    int right = 0;
    try (Encoder encoder = Encoder.open(ModelBundle.open(model))) {
      assertEquals("fp32", encoder.precision().id());
      for (int i = 0; i < test.length; i++) {
        Frame frame = Frame.builder(PixelFormat.GRAY, 28, 28).pixels(test[i]).build();
        Prediction again = restored.classify(encoder.embed(frame));
        assertEquals(
            again.label() + " " + again.score(0),
            lines[i],
            "the restored classifier answers alike");
        right += again.label().equals(CLASSES[testLabels[i]]) ? 1 : 0;
      }
    }
    // Measured here: 65 of these 100 with 10 shots per class (chance is 10); a few images of slack
    // for kernels that order near-ties differently.
    assertTrue(right >= 60, "10-shot top-1 on 100 test images: " + right);
  }

  private static List<String> region(List<String> lines) {
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals("// README:begin")) {
        from = i + 1;
      } else if (lines.get(i).trim().equals("// README:end")) {
        to = i;
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines.subList(from, to)) {
      out.add(l.substring(Math.min(4, l.length() - l.stripLeading().length())));
    }
    return out;
  }

  private static byte[][] images(Path file, int n) throws IOException {
    try (DataInputStream in = idx(file, 0x803)) {
      int count = in.readInt();
      int h = in.readInt();
      int w = in.readInt();
      byte[][] out = new byte[Math.min(n, count)][h * w];
      for (byte[] img : out) {
        in.readFully(img);
      }
      return out;
    }
  }

  private static int[] labels(Path file, int n) throws IOException {
    try (DataInputStream in = idx(file, 0x801)) {
      int[] out = new int[Math.min(n, in.readInt())];
      for (int i = 0; i < out.length; i++) {
        out[i] = in.readUnsignedByte();
      }
      return out;
    }
  }

  private static DataInputStream idx(Path file, int magic) throws IOException {
    InputStream raw = new GZIPInputStream(Files.newInputStream(file));
    DataInputStream in = new DataInputStream(raw);
    int m = in.readInt();
    if (m != magic) {
      in.close();
      throw new IOException(file + ": not an IDX file (magic 0x" + Integer.toHexString(m) + ")");
    }
    return in;
  }
}
