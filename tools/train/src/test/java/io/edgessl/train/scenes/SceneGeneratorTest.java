package io.edgessl.train.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.train.Progress;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.scenes.SceneGenerator.Placement;
import io.edgessl.train.scenes.SceneGenerator.Rendered;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneGeneratorTest {
  @TempDir Path dir;
  LabelledImages fmTrain;
  LabelledImages fmTest;
  Backgrounds photos;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void data() throws Exception {
    Path fm = SceneTestData.writeFashionMnist(dir.resolve("fm"), 60, 20);
    fmTrain = FashionMnist.load(fm, FashionMnist.Split.TRAIN);
    fmTest = FashionMnist.load(fm, FashionMnist.Split.TEST);
    photos =
        Backgrounds.load(SceneTestData.writeBackgrounds(dir.resolve("bg"), 6), 64, warnings::add);
  }

  static SceneConfig small(long seed) {
    return new SceneConfig(48, 64, 4, 2, 3, 0, 10, seed, 1, 4);
  }

  static String treeHash(Path root) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        md.update(root.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Files.readAllBytes(p));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void sameSeedSameBytesWhateverTheThreads() throws Exception {
    SceneConfig c = small(5).withVideos(1, 6);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Path d = dir.resolve("d");
    new SceneGenerator(c, fmTrain, fmTest, photos).write(a, 1, Progress.NONE);
    new SceneGenerator(c, fmTrain, fmTest, photos).write(b, 3, Progress.NONE);
    new SceneGenerator(small(6).withVideos(1, 6), fmTrain, fmTest, photos)
        .write(d, 2, Progress.NONE);
    assertEquals(treeHash(a), treeHash(b));
    assertNotEquals(treeHash(a), treeHash(d));
    // Nothing left behind but the three outputs and the inputs.
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          Set.of("a", "b", "d", "fm", "bg"),
          new HashSet<>(s.map(p -> p.getFileName().toString()).toList()));
    }
    assertTrue(Files.isRegularFile(a.resolve("JPEGImages/480p/scene-train-0000/00000.jpg")));
    assertTrue(Files.isRegularFile(a.resolve("Annotations/480p/scene-test-0002/00000.png")));
    assertTrue(Files.isRegularFile(a.resolve("Annotations/480p/video-val-0000/00005.png")));
    assertTrue(Files.isRegularFile(a.resolve("Instances/video-val-0000.json")));
    assertEquals(
        List.of("scene-val-0000", "scene-val-0001", "video-val-0000"),
        Files.readAllLines(a.resolve("ImageSets/2017/val.txt")));
    Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(a.resolve("scenes.json")));
    assertEquals(5L, json.get("seed"));
    assertEquals(Map.of("height", 48L, "width", 64L), json.get("size"));
    assertEquals(11, ((List<?>) json.get("classes")).size());
  }

  /**
   * One garment on black: the colour is alpha * shade * tint, so every pixel lies on the tint's
   * ray, and the mask (alpha >= 0.5) is exactly where that factor reaches 0.5 * shade(20).
   */
  @Test
  void masksAreExactlyWhereTheGarmentIs() {
    Backgrounds black =
        Backgrounds.of(
            List.of(SceneTestData.constant("k", 0)),
            List.of(SceneTestData.constant("k", 0)),
            List.of(SceneTestData.constant("k", 0)));
    SceneConfig c = new SceneConfig(64, 80, 30, 0, 5, 0, 10, 11, 1, 1);
    SceneGenerator g = new SceneGenerator(c, fmTrain, fmTest, black);
    double edge = 0.5 * (0.3 + 0.7 * 20 / 255.0);
    for (SceneSplit split : new SceneSplit[] {SceneSplit.TRAIN, SceneSplit.TEST}) {
      for (int i = 0; i < c.stills(split); i++) {
        Rendered r = g.still(split, i);
        assertEquals(1, r.objects().size());
        Placement p = r.objects().get(0);
        int label = p.fmClass() + 1;
        int[] tint = {(p.tint() >> 16) & 0xff, (p.tint() >> 8) & 0xff, p.tint() & 0xff};
        int top = Math.max(tint[0], Math.max(tint[1], tint[2]));
        assertTrue(top >= 191, "tints are bright: " + Integer.toHexString(p.tint()));
        int area = 0;
        for (int px = 0; px < r.labels().length; px++) {
          int l = r.labels()[px] & 0xff;
          int[] rgb = new int[3];
          int max = 0;
          for (int ch = 0; ch < 3; ch++) {
            rgb[ch] = r.rgb()[3 * px + ch] & 0xff;
            max = Math.max(max, rgb[ch]);
          }
          for (int ch = 0; ch < 3; ch++) {
            assertEquals(tint[ch] * (max / (double) top), rgb[ch], 1.5, "on the tint's ray");
          }
          if (l == 0) {
            assertTrue(max <= edge * top + 1, "unlabelled pixel too bright: " + max);
          } else {
            assertEquals(label, l);
            assertTrue(max >= edge * top - 1, "labelled pixel too dark: " + max);
            area++;
          }
        }
        assertTrue(area > 0, "the garment's centre is in the frame, so is some mask");
        // The mask is compact around the garment's centre: within its rotated box.
        double r2 = p.scale() * 15 * Math.sqrt(2) + 1;
        for (int px = 0; px < r.labels().length; px++) {
          if (r.labels()[px] != 0) {
            double dx = px % c.width() + 0.5 - p.cx();
            double dy = px / c.width() + 0.5 - p.cy();
            assertTrue(dx * dx + dy * dy <= r2 * r2);
          }
        }
      }
    }
  }

  @Test
  void laterObjectsOccludeEarlierOnes() {
    SceneConfig c = new SceneConfig(64, 64, 40, 0, 0, 0, 10, 3, 3, 4);
    SceneGenerator g = new SceneGenerator(c, fmTrain, fmTest, photos);
    int labelsSeen = 0;
    for (int i = 0; i < c.train(); i++) {
      Rendered r = g.still(SceneSplit.TRAIN, i);
      Placement last = r.objects().get(r.objects().size() - 1);
      // The last garment's centre is never covered: its label is there.
      int x = (int) Math.floor(last.cx());
      int y = (int) Math.floor(last.cy());
      assertEquals(last.fmClass() + 1, r.labels()[y * c.width() + x] & 0xff);
      Set<Integer> s = new HashSet<>();
      for (byte b : r.labels()) {
        s.add(b & 0xff);
        assertTrue((b & 0xff) <= 10);
      }
      labelsSeen = Math.max(labelsSeen, s.size());
    }
    assertTrue(labelsSeen >= 3, "several classes in one scene");
  }

  @Test
  void annotationsAreIndexedPngsAndTheReaderRoundTrips() throws Exception {
    SceneConfig c = small(9).withVideos(1, 5);
    SceneGenerator g = new SceneGenerator(c, fmTrain, fmTest, photos);
    Path out = dir.resolve("out");
    g.write(out, 2, Progress.NONE);
    Path png = out.resolve("Annotations/480p/scene-train-0001/00000.png");
    BufferedImage img = ImageIO.read(png.toFile());
    IndexColorModel cm = assertInstanceOf(IndexColorModel.class, img.getColorModel());
    assertEquals(256, cm.getMapSize());
    assertEquals(0x000000, cm.getRGB(0) & 0xffffff);
    assertEquals(0x800000, cm.getRGB(1) & 0xffffff);
    assertEquals(0x008000, cm.getRGB(2) & 0xffffff);
    assertEquals(0x808000, cm.getRGB(3) & 0xffffff);
    assertEquals(0x000080, cm.getRGB(4) & 0xffffff);

    DavisDataset ds = DavisDataset.open(out);
    for (SceneSplit s : SceneSplit.values()) {
      List<String> seqs = ds.sequences(s.id());
      assertEquals(c.stills(s) + 1, seqs.size());
      for (int i = 0; i < c.stills(s); i++) {
        DavisDataset.Sequence seq = ds.sequence(seqs.get(i));
        assertEquals(1, seq.length());
        DavisDataset.Sample sample = ds.sample(seq, 0);
        Rendered r = g.still(s, i);
        assertArrayEquals(r.labels(), sample.mask().labels(), "masks are exact");
        assertEquals(c.width(), sample.image().width());
        assertEquals(c.height(), sample.image().height());
        // JPEG (quality 95, chroma subsampled) of small, sharp-edged pictures: close on
        // average and unbiased in each channel (a swapped or shifted channel would show).
        long diff = 0;
        long[] bias = new long[3];
        for (int k = 0; k < r.rgb().length; k++) {
          int d = (sample.image().rgb()[k] & 0xff) - (r.rgb()[k] & 0xff);
          diff += Math.abs(d);
          bias[k % 3] += d;
        }
        int n = r.rgb().length;
        assertTrue(diff / (double) n < 4, "JPEG close to the pixels: " + diff / (double) n);
        for (long b : bias) {
          assertTrue(Math.abs(b * 3.0 / n) < 2, "unbiased: " + Arrays.toString(bias));
        }
        for (byte b : sample.mask().labels()) {
          assertTrue((b & 0xff) <= 10);
        }
      }
      DavisDataset.Sequence video = ds.sequence(seqs.get(seqs.size() - 1));
      assertEquals(5, video.length());
      SceneGenerator.Video v = g.video(s, 0);
      for (int t = 0; t < 5; t++) {
        assertArrayEquals(v.frames().get(t).labels(), ds.annotation(video, t).labels());
      }
      Map<Integer, Integer> classes = ds.instanceClasses(video.name());
      assertEquals(v.instances().size(), classes.size());
      for (SceneGenerator.Instance in : v.instances()) {
        assertEquals(in.fmClass() + 1, classes.get(in.id()));
      }
    }
  }

  private static <T> T assertInstanceOf(Class<T> c, Object o) {
    assertTrue(c.isInstance(o), "expected a " + c.getSimpleName() + ", got " + o);
    return c.cast(o);
  }

  @Test
  void splitsAreDisjoint() throws Exception {
    SceneConfig c = small(4).withCounts(20, 20, 20);
    SceneGenerator g = new SceneGenerator(c, fmTrain, fmTest, photos);
    int[] tr = g.objectRange(SceneSplit.TRAIN);
    int[] va = g.objectRange(SceneSplit.VAL);
    assertEquals(0, tr[0]);
    assertEquals(tr[1], va[0], "val objects start where train objects end");
    assertEquals(60, va[1]);
    assertTrue(va[0] < va[1]);
    for (SceneSplit s : new SceneSplit[] {SceneSplit.TRAIN, SceneSplit.VAL}) {
      int[] r = g.objectRange(s);
      for (int i = 0; i < 20; i++) {
        for (Placement p : g.still(s, i).objects()) {
          assertTrue(p.index() >= r[0] && p.index() < r[1], s + " object " + p.index());
        }
      }
    }
    Set<String> names = new HashSet<>();
    int total = 0;
    for (SceneSplit s : SceneSplit.values()) {
      List<String> p = photos.photos(s).stream().map(Backgrounds.Photo::name).toList();
      assertFalse(p.isEmpty());
      names.addAll(p);
      total += p.size();
    }
    assertEquals(6, total);
    assertEquals(6, names.size(), "each photo in one split");
  }

  @Test
  void videoObjectsMoveLeaveAndComeBack() {
    SceneConfig c = new SceneConfig(64, 64, 0, 0, 0, 3, 90, 21, 2, 3);
    SceneGenerator g = new SceneGenerator(c, fmTrain, fmTest, photos);
    boolean reentered = false;
    boolean moved = false;
    for (SceneSplit s : SceneSplit.values()) {
      for (int i = 0; i < 3; i++) {
        SceneGenerator.Video v = g.video(s, i);
        assertEquals(90, v.frames().size());
        int k = v.instances().size();
        assertTrue(k >= 1);
        int lastFirst = -1;
        for (SceneGenerator.Instance in : v.instances()) {
          assertTrue(in.firstFrame() >= lastFirst, "ids in order of first appearance");
          lastFirst = in.firstFrame();
        }
        // Per instance: visible in which frames, and where (the mask's centroid).
        for (int id = 1; id <= k; id++) {
          boolean seen = false;
          boolean gone = false;
          double[] prev = null;
          for (Rendered f : v.frames()) {
            double[] ctr = centroid(f.labels(), id, c.width());
            if (ctr != null) {
              if (gone) {
                reentered = true;
              }
              if (prev != null && Math.hypot(ctr[0] - prev[0], ctr[1] - prev[1]) > 0.5) {
                moved = true;
              }
              seen = true;
              prev = ctr;
            } else if (seen) {
              gone = true;
            }
          }
          assertTrue(seen, "instance " + id + " appears");
        }
        for (Rendered f : v.frames()) {
          for (byte b : f.labels()) {
            assertTrue((b & 0xff) <= k);
          }
        }
      }
    }
    assertTrue(moved, "objects move");
    assertTrue(reentered, "an object leaves the frame and comes back");
  }

  private static double[] centroid(byte[] labels, int id, int w) {
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == id) {
        sx += i % w;
        sy += i / w;
        n++;
      }
    }
    return n == 0 ? null : new double[] {sx / n, sy / n};
  }

  @Test
  void refusesANonEmptyOutput() throws Exception {
    Path out = Files.createDirectory(dir.resolve("full"));
    Files.writeString(out.resolve("x"), "x");
    SceneGenerator g = new SceneGenerator(small(1), fmTrain, fmTest, photos);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.write(out, 1, Progress.NONE));
    assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
    // An empty folder is fine: it is replaced.
    Path empty = Files.createDirectory(dir.resolve("empty"));
    g.write(empty, 1, Progress.NONE);
    assertTrue(Files.isRegularFile(empty.resolve("scenes.json")));
  }

  @Test
  void backgroundsSkipUnreadableFilesAndNeedThree() throws Exception {
    Path bg = SceneTestData.writeBackgrounds(dir.resolve("bg2"), 2);
    Files.writeString(bg.resolve("broken.jpg"), "not a jpeg");
    Files.writeString(bg.resolve("notes.txt"), "ignored");
    List<String> w = new ArrayList<>();
    EdgeSslException e =
        assertThrows(EdgeSslException.class, () -> Backgrounds.load(bg, 64, w::add));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains(bg.toString()), e.getMessage());
    assertTrue(e.getMessage().startsWith("only 2 usable photo(s)"), e.getMessage());
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("broken.jpg"), w.get(0));

    Path none = Files.createDirectory(dir.resolve("none"));
    e = assertThrows(EdgeSslException.class, () -> Backgrounds.load(none, 64, w::add));
    assertTrue(e.getMessage().startsWith("no usable photos"), e.getMessage());
    assertTrue(e.getMessage().contains(none.toString()), e.getMessage());

    SceneTestData.writeBackgrounds(bg, 3);
    Backgrounds ok = Backgrounds.load(bg, 64, w::add);
    assertEquals(1, ok.skipped().size());
  }

  @Test
  void seriesOfPhotosStayInOneSplit() throws Exception {
    assertEquals("aloe", Backgrounds.family("aloeL.jpg"));
    assertEquals("aloe", Backgrounds.family("aloeR.jpg"));
    assertEquals("", Backgrounds.family("left01.jpg"));
    assertEquals("", Backgrounds.family("right14.jpg"));
    assertEquals("", Backgrounds.family("left.jpg"));
    assertEquals("aloe", Backgrounds.family("aloeGT.png"));
    assertEquals("blender", Backgrounds.family("Blender_Suzanne2.jpg"));
    assertEquals("box", Backgrounds.family("box_in_scene.png"));
    assertEquals("ela", Backgrounds.family("ela_original.jpg"));
    assertEquals("opencv", Backgrounds.family("opencv-logo-white.png"));
    assertEquals("imagetext", Backgrounds.family("imageTextN.png"));
    Path bg = Files.createDirectory(dir.resolve("series"));
    String[] names = {
      "sea1", "sea2", "sea_3", "skyL", "skyR", "sand", "rock", "left01", "right01", "moss", "wood"
    };
    for (int i = 0; i < names.length; i++) {
      SceneTestData.writePhoto(bg.resolve(names[i] + ".png"), i % 8);
    }
    Backgrounds b = Backgrounds.load(bg, 64, warnings::add);
    Map<String, SceneSplit> where = new java.util.HashMap<>();
    for (SceneSplit s : SceneSplit.values()) {
      assertFalse(b.photos(s).isEmpty(), s.id());
      for (Backgrounds.Photo p : b.photos(s)) {
        assertEquals(null, where.put(p.name(), s));
      }
    }
    assertEquals(names.length, where.size());
    assertEquals(where.get("sea1.png"), where.get("sea2.png"));
    assertEquals(where.get("sea1.png"), where.get("sea_3.png"));
    assertEquals(where.get("skyL.png"), where.get("skyR.png"));
    assertEquals(where.get("left01.png"), where.get("right01.png"));
  }

  @Test
  void bigPhotosAreShrunkByWholeFactors() {
    Backgrounds.Photo p = SceneTestData.constant("c", 0x102030);
    Backgrounds.Photo s = Backgrounds.shrink(p, 16);
    assertEquals(32, s.width());
    assertEquals(0x10, s.rgb()[0]);
    assertEquals(0x30, s.rgb()[s.rgb().length - 1]);
    assertEquals(p, Backgrounds.shrink(p, 20), "kept when under twice the size");
  }

  @Test
  void vocPalette() {
    byte[] p = Images.vocPalette();
    assertEquals(128, p[3] & 0xff);
    assertEquals(0, p[4]);
    assertEquals(128, p[3 * 5] & 0xff);
    assertEquals(128, p[3 * 5 + 2] & 0xff);
    assertEquals(64, p[3 * 8] & 0xff);
  }
}
