package io.kubetrail.cli;

import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how an ingest progresses on standard error: a bar redrawn in place on a terminal, plain
 * lines otherwise (one per source and one every {@value #PLAIN_INTERVAL_SECONDS} seconds), so that
 * logs stay readable.
 */
final class StoreIngestProgress implements IngestListener {
  static final long PLAIN_INTERVAL_SECONDS = 10;
  private static final long BAR_INTERVAL_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long started;
  private long lastShown;
  private int index;
  private int count;
  private boolean barShown;

  StoreIngestProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.lastShown = started;
  }

  @Override
  public void sourceStarted(String source, int index, int count, long bytes) {
    this.index = index;
    this.count = count;
    if (!terminal) {
      err.printf(
          Locale.ROOT,
          "reading %s (%d of %d%s)%n",
          source,
          index,
          count,
          bytes < 0 ? "" : ", " + megabytes(bytes));
      err.flush();
    }
  }

  @Override
  public void progress(long bytesDone, long bytesTotal, IngestSummary soFar) {
    long now = nanoTime.getAsLong();
    long interval = terminal ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_SECONDS * 1_000_000_000L;
    if (now - lastShown < interval) {
      return;
    }
    lastShown = now;
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    long perSecond = (long) (soFar.read() / seconds);
    if (terminal) {
      int percent = bytesTotal > 0 ? (int) Math.min(100, 100 * bytesDone / bytesTotal) : 0;
      int filled = percent * BAR_WIDTH / 100;
      err.printf(
          Locale.ROOT,
          "\r[%s%s] %3d%%  %,d records  %,d/s  file %d/%d \u001b[K",
          "#".repeat(filled),
          ".".repeat(BAR_WIDTH - filled),
          percent,
          soFar.read(),
          perSecond,
          index,
          count);
      barShown = true;
    } else {
      err.printf(
          Locale.ROOT,
          "%s%,d records read (%,d/s), %,d stored so far%n",
          bytesTotal > 0 ? (100 * bytesDone / bytesTotal) + "% done: " : "",
          soFar.read(),
          perSecond,
          soFar.stored());
    }
    err.flush();
  }

  /** Clears the bar before the summary is printed. */
  void finish() {
    if (barShown) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }

  /** Says how long reading {@code records} took, and at what rate. */
  void took(long records) {
    double seconds = Math.max(1e-9, (nanoTime.getAsLong() - started) / 1e9);
    err.printf(Locale.ROOT, "took %.1f s (%,d records/s)%n", seconds, (long) (records / seconds));
    err.flush();
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
