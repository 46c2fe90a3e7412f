package io.kubetrail.cli;

import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how an ingest progresses on standard error ({@link ProgressDisplay}), with a plain line for
 * each source when not on a terminal.
 */
final class StoreIngestProgress implements IngestListener {
  private final PrintWriter err;
  private final ProgressDisplay display;
  private int index;
  private int count;

  StoreIngestProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.display = new ProgressDisplay(err, terminal, nanoTime);
  }

  @Override
  public void sourceStarted(String source, int index, int count, long bytes) {
    this.index = index;
    this.count = count;
    if (!display.terminal()) {
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
    if (!display.due()) {
      return;
    }
    long perSecond = (long) (soFar.read() / display.seconds());
    int percent = bytesTotal > 0 ? (int) Math.min(100, 100 * bytesDone / bytesTotal) : 0;
    display.show(
        percent,
        String.format(
            Locale.ROOT, "%,d records  %,d/s  file %d/%d", soFar.read(), perSecond, index, count),
        String.format(
            Locale.ROOT,
            "%s%,d records read (%,d/s), %,d stored so far",
            bytesTotal > 0 ? percent + "% done: " : "",
            soFar.read(),
            perSecond,
            soFar.stored()));
  }

  /** Clears the bar before the summary is printed. */
  void finish() {
    display.finish();
  }

  /** Says how long reading {@code records} took, and at what rate. */
  void took(long records) {
    display.took(records, "records");
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
