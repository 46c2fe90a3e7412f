package io.kubetrail.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how long work progresses on standard error: a bar redrawn in place on a terminal, plain
 * lines otherwise (at most one every {@value #PLAIN_INTERVAL_SECONDS} seconds), so that logs stay
 * readable.
 */
final class ProgressDisplay {
  static final long PLAIN_INTERVAL_SECONDS = 10;
  private static final long BAR_INTERVAL_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long started;
  private long lastShown;
  private boolean barShown;

  ProgressDisplay(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.lastShown = started;
  }

  boolean terminal() {
    return terminal;
  }

  /** Seconds since the work started; never zero. */
  double seconds() {
    return Math.max(1e-9, (nanoTime.getAsLong() - started) / 1e9);
  }

  /** True when progress is due to be shown again (then {@link #show} it). */
  boolean due() {
    long now = nanoTime.getAsLong();
    long interval = terminal ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_SECONDS * 1_000_000_000L;
    if (now - lastShown < interval) {
      return false;
    }
    lastShown = now;
    return true;
  }

  /**
   * On a terminal, the bar at {@code percent} followed by {@code barText}; otherwise {@code
   * lineText} on a line of its own.
   */
  void show(int percent, String barText, String lineText) {
    if (terminal) {
      int clamped = Math.max(0, Math.min(100, percent));
      int filled = clamped * BAR_WIDTH / 100;
      err.printf(
          Locale.ROOT,
          "\r[%s%s] %3d%%  %s \u001b[K",
          "#".repeat(filled),
          ".".repeat(BAR_WIDTH - filled),
          clamped,
          barText);
      barShown = true;
    } else {
      err.println(lineText);
    }
    err.flush();
  }

  /** Clears the bar, before a summary is printed. */
  void finish() {
    if (barShown) {
      err.print("\r\u001b[K");
      err.flush();
      barShown = false;
    }
  }

  /** Says how long the work took, and at what rate of {@code unit}. */
  void took(long count, String unit) {
    double seconds = seconds();
    err.printf(Locale.ROOT, "took %.1f s (%,d %s/s)%n", seconds, (long) (count / seconds), unit);
    err.flush();
  }
}
