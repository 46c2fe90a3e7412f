package io.kubetrail.collect;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines and knows the byte offset after each, which is what a checkpoint
 * records. A line longer than the limit is skipped without being buffered. Strips a trailing {@code
 * \r} and a UTF-8 byte order mark at the very start.
 */
final class LineReader {
  private static final int INITIAL_BUFFER = 256 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private byte[] buffer;
  private int pos;
  private int limit;
  private boolean eof;
  private long offset;
  private long lineNumber;

  // The line last read by next().
  private byte[] line;
  private long lineBytes;
  private boolean terminated;

  /**
   * @param offset the byte offset at which {@code in} starts
   * @param linesBefore how many lines come before that offset
   */
  LineReader(InputStream in, int maxLineBytes, long offset, long linesBefore) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.buffer = new byte[(int) Math.min(INITIAL_BUFFER, maxLineBytes + 2L)];
    this.offset = offset;
    this.lineNumber = linesBefore;
  }

  /** Reads the next line; false at the end of the stream. */
  boolean next() throws IOException {
    if (pos == limit && !fill()) {
      return false;
    }
    if (offset == 0 && lineNumber == 0) {
      skipByteOrderMark();
    }
    lineNumber++;
    int scanned = 0; // bytes after pos known to hold no newline; fill() may move pos
    while (true) {
      int newline = indexOf((byte) '\n', pos + scanned, limit);
      if (newline >= 0) {
        take(newline - pos, 1);
        return true;
      }
      scanned = limit - pos;
      if (scanned > maxLineBytes) {
        skipRestOfLine();
        return true;
      }
      if (!fill()) {
        take(limit - pos, 0);
        return true;
      }
    }
  }

  /** The line's bytes without its line ending; null when it was too long and skipped. */
  byte[] line() {
    return line;
  }

  /** True when the line was longer than the limit, so {@link #line()} is null. */
  boolean tooLong() {
    return line == null;
  }

  /** The line's length in bytes, without its line ending; exact even when it was skipped. */
  long lineBytes() {
    return lineBytes;
  }

  /** 1-based number of the line. */
  long lineNumber() {
    return lineNumber;
  }

  /** The byte offset just past the line and its newline. */
  long endOffset() {
    return offset;
  }

  /** False for a last line that has no newline: it may still be being written. */
  boolean terminated() {
    return terminated;
  }

  private void take(int length, int newline) {
    int end = pos + length;
    int contentEnd = end > pos && buffer[end - 1] == '\r' ? end - 1 : end;
    line = Arrays.copyOfRange(buffer, pos, contentEnd);
    lineBytes = contentEnd - pos;
    terminated = newline == 1;
    offset += length + newline;
    pos = end + newline;
  }

  private void skipRestOfLine() throws IOException {
    long skipped = 0;
    while (true) {
      int newline = indexOf((byte) '\n', pos, limit);
      if (newline >= 0) {
        skipped += newline - pos;
        offset += newline - pos + 1;
        pos = newline + 1;
        terminated = true;
        break;
      }
      skipped += limit - pos;
      offset += limit - pos;
      pos = limit;
      if (!fill()) {
        terminated = false;
        break;
      }
    }
    line = null;
    lineBytes = skipped;
  }

  /** Reads more input after what is buffered; false at the end of the stream. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buffer, pos, buffer, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, maxLineBytes + 2L));
    }
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit += n;
    return true;
  }

  private void skipByteOrderMark() throws IOException {
    while (limit - pos < 3 && fill()) {
      // a stream may return fewer bytes than asked
    }
    if (limit - pos >= 3
        && buffer[pos] == (byte) 0xEF
        && buffer[pos + 1] == (byte) 0xBB
        && buffer[pos + 2] == (byte) 0xBF) {
      pos += 3;
      offset += 3;
    }
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
