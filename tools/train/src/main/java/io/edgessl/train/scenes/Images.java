package io.edgessl.train.scenes;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Encoding and decoding of the scene files with {@code javax.imageio}: RGB JPEGs of a fixed quality
 * and 8-bit indexed PNGs with the DAVIS (PASCAL VOC) palette. Everything goes through memory
 * streams, so no temporary files and the same pixels give the same bytes on one JDK.
 */
public final class Images {
  private Images() {}

  /** JPEG quality of the scene images (0..100). */
  public static final int JPEG_QUALITY = 95;

  private static final IndexColorModel PALETTE = palette();

  /**
   * The DAVIS / PASCAL VOC colour map: index 0 black, 1 (128,0,0), 2 (0,128,0), 3 (128,128,0), 4
   * (0,0,128), ... (the bits of the index spread over the channels, high bits first).
   *
   * @return {@code 256 x 3} bytes, RGB per index
   */
  public static byte[] vocPalette() {
    byte[] p = new byte[256 * 3];
    for (int i = 0; i < 256; i++) {
      int r = 0;
      int g = 0;
      int b = 0;
      int c = i;
      for (int j = 0; j < 8; j++) {
        r |= (c & 1) << (7 - j);
        g |= ((c >> 1) & 1) << (7 - j);
        b |= ((c >> 2) & 1) << (7 - j);
        c >>= 3;
      }
      p[3 * i] = (byte) r;
      p[3 * i + 1] = (byte) g;
      p[3 * i + 2] = (byte) b;
    }
    return p;
  }

  private static IndexColorModel palette() {
    byte[] p = vocPalette();
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      r[i] = p[3 * i];
      g[i] = p[3 * i + 1];
      b[i] = p[3 * i + 2];
    }
    return new IndexColorModel(8, 256, r, g, b);
  }

  /** An 8-bit indexed PNG with the VOC palette that stores {@code labels} as its indices. */
  public static byte[] indexedPng(byte[] labels, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(labels, 0, data, 0, width * height);
    return encode(img, "png", -1);
  }

  /** A baseline RGB JPEG of {@link #JPEG_QUALITY}, 4:4:4, from {@code rgb} (3 bytes a pixel). */
  public static byte[] jpeg(byte[] rgb, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < width * height; i++) {
      data[3 * i] = rgb[3 * i + 2];
      data[3 * i + 1] = rgb[3 * i + 1];
      data[3 * i + 2] = rgb[3 * i];
    }
    return encode(img, "jpeg", JPEG_QUALITY);
  }

  private static byte[] encode(BufferedImage img, String format, int quality) {
    ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      w.setOutput(out);
      ImageWriteParam p = w.getDefaultWriteParam();
      if (quality >= 0) {
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality / 100f);
      }
      IIOMetadata meta = null;
      if (format.equals("jpeg")) {
        meta = fullChroma(w.getDefaultImageMetadata(new ImageTypeSpecifier(img), p));
      }
      w.write(null, new IIOImage(img, null, meta), p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("encoding " + format + " in memory", e);
    } finally {
      w.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * JPEG metadata without chroma subsampling (4:4:4): the garments' coloured edges stay where the
   * masks say they are, not smeared over 2 x 2 blocks.
   */
  private static IIOMetadata fullChroma(IIOMetadata meta) throws IOException {
    String fmt = "javax_imageio_jpeg_image_1.0";
    Node root = meta.getAsTree(fmt);
    NodeList comps = ((Element) root).getElementsByTagName("componentSpec");
    for (int i = 0; i < comps.getLength(); i++) {
      Element c = (Element) comps.item(i);
      c.setAttribute("HsamplingFactor", "1");
      c.setAttribute("VsamplingFactor", "1");
    }
    meta.setFromTree(fmt, root);
    return meta;
  }

  /**
   * Decodes an image file.
   *
   * @throws EdgeSslException naming the file when it is missing, not an image javax.imageio reads,
   *     or damaged
   */
  public static BufferedImage read(Path file) throws EdgeSslException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "file not found: " + file, e);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    BufferedImage img;
    try {
      // ImageIO.read closes the stream it makes; a byte array needs no closing anyway.
      img = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + ": damaged image (" + e.getMessage() + ")", e);
    }
    if (img == null) {
      throw new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": not an image (JPEG or PNG)");
    }
    return img;
  }

  /** The pixels of {@code img} as RGB bytes (alpha dropped; grey images read exactly). */
  public static byte[] rgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[w * h * 3];
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      // getRGB would convert from a linear grey colour space; the stored values are what counts.
      Raster r = img.getRaster();
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        r.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int o = 3 * (y * w + x);
          out[o] = out[o + 1] = out[o + 2] = (byte) row[x];
        }
      }
      return out;
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int o = 3 * (y * w + x);
        out[o] = (byte) (row[x] >> 16);
        out[o + 1] = (byte) (row[x] >> 8);
        out[o + 2] = (byte) row[x];
      }
    }
    return out;
  }

  /**
   * The indices of an indexed (or 8-bit grey) PNG, as DAVIS stores annotations.
   *
   * @throws EdgeSslException naming {@code file} when the image holds colours rather than indices
   */
  public static byte[] indices(BufferedImage img, Path file) throws EdgeSslException {
    boolean indexed = img.getColorModel() instanceof IndexColorModel;
    boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
    if (!indexed && !grey) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + ": not an indexed PNG (an annotation stores one palette index a pixel)");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int[] s = img.getRaster().getSamples(0, 0, w, h, 0, new int[w * h]);
    byte[] out = new byte[w * h];
    for (int i = 0; i < s.length; i++) {
      out[i] = (byte) s[i];
    }
    return out;
  }
}
