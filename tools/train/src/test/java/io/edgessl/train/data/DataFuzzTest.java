package io.edgessl.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated IDX, Fashion-MNIST and Y4M files through {@link Idx#read}, {@link FashionMnist#load} and
 * {@link Y4mReader}: only {@link EdgeSslException}, and no allocation beyond the input's size (see
 * {@link Fuzz}).
 */
class DataFuzzTest {
  private static final com.sun.management.ThreadMXBean ALLOCATED =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  @TempDir Path dir;

  private static List<byte[]> idxSeeds() throws Exception {
    byte[] px = new byte[2 * 4 * 5];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 7);
    }
    List<byte[]> out = new ArrayList<>();
    out.add(IdxTest.idx(0x803, new int[] {2, 4, 5}, px));
    out.add(IdxTest.idx(0x801, new int[] {3}, new byte[] {9, 0, 4}));
    out.add(IdxTest.gzip(IdxTest.idx(0x803, new int[] {1, 2, 3}, new byte[6])));
    return out;
  }

  @Test
  void aHeaderPromisingMoreThanTheFileHoldsAllocatesOnlyWhatArrives() throws Exception {
    // Found by the fuzzer: a 23-byte labels file whose header promised 758 MB allocated them.
    Path f = dir.resolve("labels-idx1-ubyte");
    Files.write(f, IdxTest.idx(0x801, new int[] {758185984}, new byte[15]));
    long before = ALLOCATED.getCurrentThreadAllocatedBytes();
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> Idx.read(f, 1));
    long allocated = ALLOCATED.getCurrentThreadAllocatedBytes() - before;
    assertEquals(
        f + ": truncated: header promises 758185984 data bytes, file has 15", e.getMessage());
    assertTrue(allocated < Fuzz.SLACK, "allocated " + allocated);
  }

  @Test
  void idxReadThrowsOnlyEdgeSslException() throws Exception {
    Path f = dir.resolve("images-idx3-ubyte");
    Fuzz.reader("idx", idxSeeds())
        .cases(2000)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(f, in))
        .run(in -> Idx.read(f, 3));
  }

  @Test
  void fashionMnistLoadThrowsOnlyEdgeSslException() throws Exception {
    Path d = Files.createDirectory(dir.resolve("fm"));
    IdxTest.tinyDataset(d, false);
    Path labels = d.resolve("train-labels-idx1-ubyte");
    Fuzz.reader("fashion-mnist-labels", List.of(Files.readAllBytes(labels)))
        .cases(500)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(labels, in))
        .run(in -> FashionMnist.load(d, FashionMnist.Split.TRAIN));
  }

  private static byte[] y4m(String params, int frames, int frameBytes) {
    StringBuilder b = new StringBuilder("YUV4MPEG2 " + params + "\n");
    for (int f = 0; f < frames; f++) {
      b.append(f == 1 ? "FRAME Ixyz\n" : "FRAME\n");
      for (int i = 0; i < frameBytes; i++) {
        b.append((char) ('A' + (i * 13 + f) % 50));
      }
    }
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void y4mReaderThrowsOnlyEdgeSslException() throws Exception {
    List<byte[]> seeds =
        List.of(
            y4m("W13 H9 F25:1 Ip A1:1 C420jpeg", 3, 13 * 9 + 2 * 7 * 5),
            y4m("W2 H1 C444 XCOLORRANGE=FULL", 2, 6),
            y4m("W3 H2 F30000:1001 Cmono", 2, 6),
            y4m("W4 H2 C420mpeg2 XYSCSS=420MPEG2", 1, 12));
    Path f = dir.resolve("mutated.y4m");
    Fuzz.reader("y4m", seeds)
        .cases(2000)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(f, in))
        .run(
            in -> {
              try (Y4mReader r = Y4mReader.open(f)) {
                boolean skip = false;
                while (skip ? r.skip() : r.read() != null) {
                  skip = !skip;
                }
              }
            });
  }
}
