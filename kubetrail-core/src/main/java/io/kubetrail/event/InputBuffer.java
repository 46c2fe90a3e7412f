package io.kubetrail.event;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * The decompressed bytes of one source, read in large chunks into a reusable buffer that holds the
 * current line (never the whole source), with line counting. Detects gzip by its magic bytes and
 * drops a UTF-8 byte order mark at the start.
 *
 * <p>Positions are buffer indexes ({@code int}) or absolute offsets in the decompressed source
 * ({@code long}); {@link #index(long)} and {@link #absolute(int)} convert between them.
 */
final class InputBuffer {
  private static final int INITIAL_CAPACITY = 1 << 18;
  private static final int MIN_READ = 1 << 15;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private InputStream in;
  private final boolean detectGzip;
  private final int maxLineBytes;

  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int pos;
  private int limit;
  private long base;
  private long line = 1;
  private long lineStart;
  private boolean started;
  private boolean eof;
  private CorruptInputException corruption;

  InputBuffer(InputStream in, boolean detectGzip, int maxLineBytes) {
    this.in = in;
    this.detectGzip = detectGzip;
    this.maxLineBytes = maxLineBytes;
  }

  byte[] array() {
    return buf;
  }

  int pos() {
    return pos;
  }

  /** The 1-based line at {@link #pos()}. */
  long line() {
    return line;
  }

  /** 1-based column of {@link #pos()} in its line, in bytes. */
  long column() {
    return absolute(pos) - lineStart + 1;
  }

  long absolute(int index) {
    return base + index;
  }

  int index(long absolute) {
    return (int) (absolute - base);
  }

  /** Bytes consumed so far. */
  long consumed() {
    return base + pos;
  }

  /** The error that ended a compressed source early, if any. */
  CorruptInputException corruption() {
    return corruption;
  }

  void close() throws IOException {
    in.close();
  }

  /**
   * Skips spaces, tabs and line breaks (counting lines).
   *
   * @return the byte at {@link #pos()} afterwards, or -1 at the end of the source
   */
  int skipWhitespace() throws IOException {
    while (true) {
      while (pos < limit) {
        byte b = buf[pos];
        if (b == '\n') {
          pos++;
          line++;
          lineStart = base + pos;
        } else if (b == ' ' || b == '\t' || b == '\r') {
          pos++;
        } else {
          return b & 0xff;
        }
      }
      if (!fill()) {
        return -1;
      }
    }
  }

  /**
   * The end of the complete lines buffered from {@link #pos()} on (the index after the last {@code
   * '\n'}), reading more when not even one line is buffered.
   *
   * @return that index; the end of the data when the source ends without a line break; -1 when the
   *     line at {@link #pos()} is longer than the line limit (nothing is consumed: call {@link
   *     #skipLine()})
   */
  int windowEnd() throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = limit - 1; i >= pos + scanned; i--) {
        if (buf[i] == '\n') {
          return i + 1;
        }
      }
      if (limit - pos > (long) maxLineBytes + 1) {
        return -1;
      }
      scanned = limit - pos;
      if (!fill(lineCapacity())) {
        if (!eof) {
          return -1;
        }
        return limit - pos > maxLineBytes ? -1 : limit;
      }
    }
  }

  /** The length of the line from {@code from} to the {@code '\n'} at {@code newline}. */
  private int contentLength(int from, int newline) {
    int end = newline > from && buf[newline - 1] == '\r' ? newline - 1 : newline;
    return end - from;
  }

  /** The length of the line around {@code index}, line break excluded, as far as it is buffered. */
  long lineLength(int index) {
    int start = index;
    while (start > 0 && buf[start - 1] != '\n') {
      start--;
    }
    int end = index;
    while (end < limit && buf[end] != '\n') {
      end++;
    }
    return end < limit ? contentLength(start, end) : end - start;
  }

  // Room for the longest acceptable line, its terminator and one more read.
  private int lineCapacity() {
    return (int) Math.min((long) maxLineBytes + 2 + MIN_READ, MAX_ARRAY);
  }

  /**
   * Consumes the rest of the current line and its terminator without keeping it.
   *
   * @return the bytes skipped, terminator excluded
   */
  long skipLine() throws IOException {
    long length = 0;
    boolean lastWasCr = false;
    while (true) {
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          length += i - pos;
          if (i > pos) {
            lastWasCr = buf[i - 1] == '\r';
          }
          pos = i + 1;
          line++;
          lineStart = base + pos;
          return lastWasCr ? length - 1 : length;
        }
      }
      length += limit - pos;
      if (limit > pos) {
        lastWasCr = buf[limit - 1] == '\r';
      }
      pos = limit;
      if (!fill()) {
        return length;
      }
    }
  }

  /** The byte at {@link #pos()} without consuming it, or -1 at the end of the source. */
  int peek() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buf[pos] & 0xff;
  }

  /** Repositions at an absolute offset within the buffered data, after a document was read. */
  void reposition(long absolute, long newLine, long newLineStart) {
    pos = index(absolute);
    line = newLine;
    lineStart = newLineStart;
  }

  /** The byte at an absolute offset, or -1 when it is no longer (or not yet) buffered. */
  int byteAt(long absolute) {
    int i = index(absolute);
    return i >= 0 && i < limit ? buf[i] & 0xff : -1;
  }

  /** Marks everything before {@code index} consumed, for a document fed to a parser. */
  void consumeTo(int index) {
    pos = index;
  }

  /**
   * The end of the next piece of a document to hand to a parser, starting at {@link #pos()}: whole
   * lines when possible, so that the start of the line a parser fails on is still buffered.
   *
   * @return an index after {@link #pos()}, or {@link #pos()} itself at the end of the source
   */
  int documentChunk() throws IOException {
    while (true) {
      for (int i = limit - 1; i >= pos; i--) {
        if (buf[i] == '\n') {
          return i + 1;
        }
      }
      // A line longer than the buffer goes to the parser in pieces; documents need no whole lines.
      if (eof || !fill(buf.length)) {
        return limit;
      }
    }
  }

  /**
   * Reads more data, keeping what is buffered from {@link #pos()} on: moved to the front, or into a
   * larger buffer of at most {@code maxCapacity} bytes when there is little room left.
   *
   * @return false when nothing more could be read: at the end of the source (then {@code eof} is
   *     set) or when the buffer is full and may not grow
   */
  private boolean fill(int maxCapacity) throws IOException {
    if (eof) {
      return false;
    }
    if (!started) {
      started = true;
      start();
      return limit > pos || fill(maxCapacity);
    }
    if (pos == limit && buf.length > INITIAL_CAPACITY) {
      // A long line grew the buffer; give the memory back once it is consumed.
      base += pos;
      buf = new byte[INITIAL_CAPACITY];
      pos = 0;
      limit = 0;
    } else if (buf.length - limit < MIN_READ) {
      int kept = limit - pos;
      if (buf.length - kept >= MIN_READ || buf.length >= maxCapacity) {
        System.arraycopy(buf, pos, buf, 0, kept);
      } else {
        long wanted = Math.max((long) buf.length * 2, (long) kept + MIN_READ);
        byte[] bigger = new byte[(int) Math.min(wanted, Math.max(maxCapacity, buf.length))];
        System.arraycopy(buf, pos, bigger, 0, kept);
        buf = bigger;
      }
      base += pos;
      limit = kept;
      pos = 0;
    }
    if (buf.length == limit) {
      return false;
    }
    int n = read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit += n;
    return true;
  }

  private boolean fill() throws IOException {
    return fill(INITIAL_CAPACITY);
  }

  private int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (CorruptInputException e) {
        corruption = e;
        return -1;
      }
      if (n != 0) {
        return n;
      }
    }
  }

  // First read: look for gzip magic and a byte order mark, which need a few bytes even when the
  // stream hands them out one at a time.
  private void start() throws IOException {
    if (detectGzip) {
      readAtLeast(2);
      if (limit >= 2 && buf[0] == (byte) 0x1f && buf[1] == (byte) 0x8b) {
        InputStream prefix = new ByteArrayInputStream(Arrays.copyOf(buf, limit));
        in = Gzip.decompress(new SequenceInputStream(prefix, in));
        limit = 0;
      }
    }
    readAtLeast(3);
    if (limit >= 3 && buf[0] == (byte) 0xef && buf[1] == (byte) 0xbb && buf[2] == (byte) 0xbf) {
      pos = 3;
      lineStart = 3;
    }
  }

  private void readAtLeast(int n) throws IOException {
    while (limit < n && !eof) {
      int got = read(buf, limit, buf.length - limit);
      if (got < 0) {
        eof = true;
      } else {
        limit += got;
      }
    }
  }
}
