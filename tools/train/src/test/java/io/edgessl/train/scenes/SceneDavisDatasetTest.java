package io.edgessl.train.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.train.Progress;
import io.edgessl.train.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneDavisDatasetTest {
  @TempDir Path dir;
  Path out;
  DavisDataset ds;

  @BeforeEach
  void scenes() throws Exception {
    Path fm = SceneTestData.writeFashionMnist(dir.resolve("fm"), 30, 10);
    Backgrounds bg =
        Backgrounds.load(SceneTestData.writeBackgrounds(dir.resolve("bg"), 4), 40, w -> {});
    out = dir.resolve("scenes");
    new SceneGenerator(
            new SceneConfig(40, 40, 2, 1, 1, 0, 10, 1, 1, 2),
            FashionMnist.load(fm, FashionMnist.Split.TRAIN),
            FashionMnist.load(fm, FashionMnist.Split.TEST),
            bg)
        .write(out, 1, Progress.NONE);
    ds = DavisDataset.open(out);
  }

  @Test
  void listsSplitsAndReadsFrames() throws Exception {
    assertEquals(List.of("scene-train-0000", "scene-train-0001"), ds.sequences("train"));
    DavisDataset.Sequence s = ds.sequence("scene-test-0000");
    assertEquals(List.of("00000"), s.frames());
    DavisDataset.Sample x = ds.sample(s, 0);
    assertEquals(40 * 40 * 3, x.image().rgb().length);
    assertEquals(40 * 40, x.mask().labels().length);
    assertEquals(40, x.image().frame().width());
  }

  @Test
  void corruptPngIsRefusedNamingTheFile() throws Exception {
    DavisDataset.Sequence s = ds.sequence("scene-train-0000");
    Path png = ds.annotationFile(s, 0);
    byte[] b = Files.readAllBytes(png);
    Files.write(png, Arrays.copyOf(b, b.length / 2));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ds.annotation(s, 0));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith(png.toString()), e.getMessage());

    Files.writeString(png, "not a png");
    e = assertThrows(EdgeSslException.class, () -> ds.annotation(s, 0));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(png + ": not an image (JPEG or PNG)", e.getMessage());
  }

  @Test
  void anRgbPngIsNotAnAnnotation() throws Exception {
    DavisDataset.Sequence s = ds.sequence("scene-train-0001");
    Path png = ds.annotationFile(s, 0);
    // The JPEG of the frame, re-encoded as an RGB PNG.
    java.awt.image.BufferedImage rgb = javax.imageio.ImageIO.read(ds.imageFile(s, 0).toFile());
    javax.imageio.ImageIO.write(rgb, "png", png.toFile());
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ds.annotation(s, 0));
    assertTrue(e.getMessage().startsWith(png + ": not an indexed PNG"), e.getMessage());
  }

  @Test
  void missingFilesAreNamed() throws Exception {
    DavisDataset.Sequence s = ds.sequence("scene-val-0000");
    Path jpg = ds.imageFile(s, 0);
    Files.delete(ds.annotationFile(s, 0));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ds.sample(s, 0));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals("file not found: " + ds.annotationFile(s, 0), e.getMessage());
    Files.delete(jpg);
    e = assertThrows(EdgeSslException.class, () -> ds.sequence("scene-val-0000"));
    assertTrue(e.getMessage().contains("no .jpg frames"), e.getMessage());
    e = assertThrows(EdgeSslException.class, () -> ds.sequences("test-dev"));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertTrue(e.getMessage().endsWith("test-dev.txt"), e.getMessage());
    e = assertThrows(EdgeSslException.class, () -> DavisDataset.open(dir));
    assertTrue(e.getMessage().contains("JPEGImages"), e.getMessage());
  }

  @Test
  void readsWhatWasWritten() throws Exception {
    byte[] labels = new byte[6];
    for (int i = 0; i < 6; i++) {
      labels[i] = (byte) (i * 50);
    }
    Path f = dir.resolve("m.png");
    Files.write(f, Images.indexedPng(labels, 3, 2));
    assertArrayEquals(labels, Images.indices(Images.read(f), f));
  }
}
