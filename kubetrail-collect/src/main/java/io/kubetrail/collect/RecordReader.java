package io.kubetrail.collect;

import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import io.kubetrail.event.format.RecordFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads the records of one stream into a {@link SourceWriter} with the decoder's reader,
 * checkpointing (when the stream has a source id) at the end of each line that held exactly one
 * record: a JSON Lines event, or a bad line. A line holding an EventList, or a document spanning
 * lines, is not a place to resume.
 */
final class RecordReader {
  /** How many full batches a single long line (an EventList) may gather before a hand-over. */
  private static final int OVERFULL = 4;

  /** Hands the writer's events over when it holds {@code factor} full batches. */
  interface Flusher {
    void flushIfFull(int factor) throws IOException;
  }

  private final SourceWriter writer;
  private final DecodeLimits limits;
  private final RecordFormat format;
  private final Flusher flusher;
  private long lastLine;

  RecordReader(SourceWriter writer, DecodeLimits limits, Flusher flusher) {
    this(writer, limits, RecordFormat.AUDIT, flusher);
  }

  /** Reads records of {@code format} (exports from managed control planes, say). */
  RecordReader(SourceWriter writer, DecodeLimits limits, RecordFormat format, Flusher flusher) {
    this.writer = writer;
    this.limits = limits;
    this.format = format;
    this.flusher = flusher;
  }

  /** The line of the source last read from, counted from its start. */
  long lastLine() {
    return lastLine;
  }

  /**
   * Reads {@code in} to its end.
   *
   * @param startOffset where {@code in} starts in the source
   * @param linesBefore the lines of the source before {@code startOffset}
   */
  void read(
      InputStream in, String name, Optional<String> sourceId, long startOffset, long linesBefore)
      throws IOException {
    LineEnds ends = new LineEnds(in);
    lastLine = linesBefore;
    try (AuditEventReader reader = format.reader(ends, name, limits)) {
      long line = 0; // the reader's line of the records being read
      int onLine = 0;
      long recordEnd = 0;
      for (Optional<DecodeResult> r = reader.read(); r.isPresent(); r = reader.read()) {
        long at = r.get().position().line();
        if (at != line) {
          completeLine(ends, sourceId, line, onLine, recordEnd, startOffset, linesBefore);
          flusher.flushIfFull(1);
          line = at;
          onLine = 0;
        } else {
          flusher.flushIfFull(OVERFULL); // a long EventList line: never hold it all
        }
        onLine++;
        recordEnd = reader.bytesRead();
        lastLine = linesBefore + at;
        if (r.get() instanceof DecodeResult.Decoded decoded) {
          writer.accept(decoded.event());
        } else if (r.get() instanceof DecodeResult.Rejected rejected) {
          writer.reject(new SourcePosition(name, linesBefore + at), rejected.reason());
        }
      }
      completeLine(ends, sourceId, line, onLine, recordEnd, startOffset, linesBefore);
    }
  }

  /** Checkpoints the end of {@code line} if it held one record, ended by a newline. */
  private void completeLine(
      LineEnds ends,
      Optional<String> sourceId,
      long line,
      int onLine,
      long recordEnd,
      long startOffset,
      long linesBefore) {
    long end = ends.endOf(line);
    if (sourceId.isPresent() && onLine == 1 && end >= 0 && recordEnd <= end) {
      writer.checkpoint(
          sourceId.get(),
          new FileCheckpoint(sourceId.get(), startOffset + end, linesBefore + line).toCheckpoint());
    }
    ends.forgetBefore(line + 1);
  }
}
