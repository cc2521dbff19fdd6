package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Line charts of a training log, drawn with {@code java.awt} (headless) into PNG files next to the
 * log: {@code loss.png} (loss against epoch, from the step lines) and {@code knn.png} (k-NN monitor
 * top-1 against epoch).
 */
public final class Charts {
  private static final int W = 800;
  private static final int H = 480;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private Charts() {}

  /** Writes {@code loss.png} and {@code knn.png} into {@code dir} from the log's records. */
  public static void write(Path dir, List<Map<?, ?>> records) throws EdgeSslException {
    System.setProperty("java.awt.headless", "true");
    List<double[]> loss = new ArrayList<>();
    List<double[]> knn = new ArrayList<>();
    for (Map<?, ?> r : records) {
      Object ev = r.get("event");
      if ("step".equals(ev)
          && r.get("loss") instanceof Number l
          && r.get("epoch_f") instanceof Number e) {
        loss.add(new double[] {e.doubleValue(), l.doubleValue()});
      } else if ("knn".equals(ev)
          && r.get("top1") instanceof Number t
          && r.get("epoch") instanceof Number e) {
        knn.add(new double[] {e.doubleValue(), 100 * t.doubleValue()});
      }
    }
    if (!loss.isEmpty()) {
      png(dir.resolve("loss.png"), chart("training loss", "epoch", "loss", loss, false));
    }
    if (!knn.isEmpty()) {
      png(dir.resolve("knn.png"), chart("k-NN monitor top-1", "epoch", "top-1 (%)", knn, true));
    }
  }

  static BufferedImage chart(
      String title, String xLabel, String yLabel, List<double[]> pts, boolean markers) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      double x0 = Double.MAX_VALUE;
      double x1 = -Double.MAX_VALUE;
      double y0 = Double.MAX_VALUE;
      double y1 = -Double.MAX_VALUE;
      for (double[] p : pts) {
        x0 = Math.min(x0, p[0]);
        x1 = Math.max(x1, p[0]);
        y0 = Math.min(y0, p[1]);
        y1 = Math.max(y1, p[1]);
      }
      if (x1 <= x0) {
        x1 = x0 + 1;
      }
      if (y1 <= y0) {
        y1 = y0 + 1;
        y0 = y0 - 1;
      }
      double pad = (y1 - y0) * 0.05;
      y0 -= pad;
      y1 += pad;
      int pw = W - LEFT - RIGHT;
      int ph = H - TOP - BOTTOM;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      // Grid and ticks.
      double[] xt = ticks(x0, x1);
      double[] yt = ticks(y0, y1);
      int xd = decimals(xt);
      int yd = decimals(yt);
      for (double t : xt) {
        int x = LEFT + (int) Math.round((t - x0) / (x1 - x0) * pw);
        g.setColor(new Color(230, 230, 230));
        g.drawLine(x, TOP, x, TOP + ph);
        g.setColor(Color.DARK_GRAY);
        String s = label(t, xd);
        g.drawString(s, x - fm.stringWidth(s) / 2, TOP + ph + 18);
      }
      for (double t : yt) {
        int y = TOP + ph - (int) Math.round((t - y0) / (y1 - y0) * ph);
        g.setColor(new Color(230, 230, 230));
        g.drawLine(LEFT, y, LEFT + pw, y);
        g.setColor(Color.DARK_GRAY);
        String s = label(t, yd);
        g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2);
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, pw, ph);
      // The series.
      g.setColor(new Color(31, 119, 180));
      g.setStroke(new BasicStroke(1.6f));
      int px = -1;
      int py = -1;
      for (double[] p : pts) {
        int x = LEFT + (int) Math.round((p[0] - x0) / (x1 - x0) * pw);
        int y = TOP + ph - (int) Math.round((p[1] - y0) / (y1 - y0) * ph);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        if (markers) {
          g.fillOval(x - 3, y - 3, 7, 7);
        }
        px = x;
        py = y;
      }
      // Labels.
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, LEFT, TOP - 18);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      fm = g.getFontMetrics();
      g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, H - 15);
      Graphics2D r = (Graphics2D) g.create();
      r.rotate(-Math.PI / 2);
      r.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 20);
      r.dispose();
      if (markers && !pts.isEmpty()) {
        double[] last = pts.get(pts.size() - 1);
        int d = Math.abs(last[0] - Math.rint(last[0])) < 1e-9 ? 0 : 2;
        String s = String.format(Locale.ROOT, "last: %.2f at epoch %s", last[1], label(last[0], d));
        g.drawString(s, LEFT + pw - fm.stringWidth(s) - 8, TOP + 18);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** About six round tick values covering [lo, hi]. */
  static double[] ticks(double lo, double hi) {
    double raw = (hi - lo) / 6;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 5, 10}) {
      if (raw <= m * mag) {
        step = m * mag;
        break;
      }
    }
    List<Double> t = new ArrayList<>();
    for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      t.add(v);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Decimals that show every tick of an evenly spaced list exactly (none for whole steps). */
  static int decimals(double[] ticks) {
    if (ticks.length < 2) {
      return 2;
    }
    double step = ticks[1] - ticks[0];
    return Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
  }

  private static String label(double v, int decimals) {
    if (Math.abs(v - Math.rint(v)) < 1e-9 && decimals == 0) {
      return Long.toString(Math.round(v));
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static void png(Path file, BufferedImage img) throws EdgeSslException {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(img, "png", b);
      AtomicFiles.write(file, b.toByteArray());
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
