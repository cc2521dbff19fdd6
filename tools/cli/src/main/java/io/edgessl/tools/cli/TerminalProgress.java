package io.edgessl.tools.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The command line's {@link io.edgessl.train.Progress}: a progress bar on standard error for work
 * that runs longer than a couple of seconds. Nothing is shown for the first {@link #QUIET_NANOS};
 * on a terminal the bar redraws in place a few times a second, elsewhere (logs, CI) a plain line is
 * printed every ten seconds. Thread-safe.
 *
 * {@snippet :
 * try (TerminalProgress p = TerminalProgress.start("embedding", images.count())) {
 *   for (...) { ...; p.step(1); }
 * }
 * }
 */
public final class TerminalProgress implements io.edgessl.train.Progress.Task {
  static final long QUIET_NANOS = 2_000_000_000L;
  private static final long TTY_PERIOD = 150_000_000L;
  private static final long LOG_PERIOD = 10_000_000_000L;
  private static volatile boolean enabled = true;

  private final String task;
  private final long total;
  private final PrintStream out;
  private final boolean tty;
  private final long start = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final ReentrantLock drawing = new ReentrantLock();
  private long lastDraw = start;
  private boolean drawn;

  private TerminalProgress(String task, long total, PrintStream out, boolean tty) {
    this.task = task;
    this.total = total;
    this.out = out;
    this.tty = tty;
  }

  /** The bars as the library's progress sink. */
  public static final io.edgessl.train.Progress SINK = TerminalProgress::start;

  /** Starts a bar for {@code total} units of work. */
  public static TerminalProgress start(String task, long total) {
    return new TerminalProgress(task, total, System.err, System.console() != null);
  }

  /** Turns all bars off (the CLI's {@code --quiet}). */
  public static void setEnabled(boolean on) {
    enabled = on;
  }

  /** Records {@code n} more units done. */
  public void step(long n) {
    long d = done.addAndGet(n);
    long now = System.nanoTime();
    if (!enabled || now - start < QUIET_NANOS || now - lastDraw < (tty ? TTY_PERIOD : LOG_PERIOD)) {
      return;
    }
    if (drawing.tryLock()) {
      try {
        lastDraw = now;
        draw(d, now, false);
      } finally {
        drawing.unlock();
      }
    }
  }

  /** Seconds since the start. */
  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  @Override
  public void close() {
    drawing.lock();
    try {
      if (drawn) {
        draw(done.get(), System.nanoTime(), true);
      }
    } finally {
      drawing.unlock();
    }
  }

  private void draw(long d, long now, boolean last) {
    double secs = (now - start) / 1e9;
    double rate = d / Math.max(secs, 1e-9);
    double frac = total > 0 ? Math.min(1.0, (double) d / total) : 0;
    String eta = rate > 0 && total > d ? formatSeconds((total - d) / rate) : "0s";
    String line;
    if (tty) {
      int width = 30;
      int fill = (int) Math.round(frac * width);
      StringBuilder bar = new StringBuilder(width);
      for (int i = 0; i < width; i++) {
        bar.append(i < fill ? '=' : (i == fill ? '>' : ' '));
      }
      line =
          String.format(
              Locale.ROOT,
              "\r%-12s [%s] %3.0f%% %,d/%,d  %,.0f/s  %s %s",
              task,
              bar,
              frac * 100,
              d,
              total,
              rate,
              last ? "in" : "ETA",
              last ? formatSeconds(secs) : eta);
      out.print(line);
      if (last) {
        out.println();
      }
    } else {
      line =
          String.format(
              Locale.ROOT,
              "%s: %3.0f%% (%,d/%,d) %,.0f/s %s %s",
              task,
              frac * 100,
              d,
              total,
              rate,
              last ? "in" : "ETA",
              last ? formatSeconds(secs) : eta);
      out.println(line);
    }
    out.flush();
    drawn = true;
  }

  static String formatSeconds(double s) {
    if (s < 60) {
      return String.format(Locale.ROOT, "%.0fs", s);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", (long) s / 3600, ((long) s % 3600) / 60);
  }
}
