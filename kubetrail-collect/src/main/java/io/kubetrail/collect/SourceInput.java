package io.kubetrail.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * One source's bytes: counted as read from disk (for progress), decompressed when they are gzip,
 * and sniffed for their layout.
 */
final class SourceInput implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;
  // A document that spans lines shows it within its first line, which is short: "{" or
  // '{"kind":"EventList",'.
  private static final int SNIFF_BYTES = 64 * 1024;
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final Counting counted;
  private final BufferedInputStream decoded;
  private final boolean gzip;
  private final FailLate damage;

  SourceInput(InputStream raw, long startOffset) throws IOException {
    this.counted = new Counting(raw, startOffset);
    BufferedInputStream buffered = new BufferedInputStream(counted, BUFFER);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    this.gzip = b1 == 0x1f && b2 == 0x8b;
    this.damage = gzip ? new FailLate(new GZIPInputStream(buffered, BUFFER)) : null;
    this.decoded = gzip ? new BufferedInputStream(damage, BUFFER) : buffered;
  }

  /**
   * Throws the error that ended a damaged gzip stream early (a truncated or corrupt file), after
   * every byte before it was read.
   */
  void throwIfDamaged() throws IOException {
    if (damage != null && damage.failure != null) {
      throw damage.failure;
    }
  }

  /** The decompressed bytes. */
  InputStream stream() {
    return decoded;
  }

  boolean gzip() {
    return gzip;
  }

  /** Bytes consumed from the underlying (possibly compressed) stream, plus the start offset. */
  long rawPosition() {
    return counted.count;
  }

  /**
   * What the start of the input shows.
   *
   * @param document true for one JSON document spread over lines (a saved EventList, pretty-printed
   *     events) rather than JSON Lines: the first non-blank line is an unfinished JSON value
   * @param firstLine the first non-blank line, at most {@code FileCheckpoint.FINGERPRINT_BYTES} of
   *     it; empty when the start of the input holds none
   */
  record Sniff(boolean document, Optional<byte[]> firstLine) {}

  /** Looks at the start of the input, leaving the stream where it was. */
  Sniff sniff() throws IOException {
    decoded.mark(SNIFF_BYTES);
    byte[] window = new byte[SNIFF_BYTES];
    int length = 0;
    for (int n = 0; length < SNIFF_BYTES && n >= 0; length += Math.max(n, 0)) {
      n = decoded.read(window, length, SNIFF_BYTES - length);
    }
    decoded.reset();
    int start = 0;
    while (start < length && isBlank(window, start, start + 1)) {
      start++;
    }
    if (start == length) {
      return new Sniff(false, Optional.empty());
    }
    int newline = indexOf(window, (byte) '\n', start, length);
    int end = newline < 0 ? length : newline;
    byte[] first =
        Arrays.copyOfRange(window, start, Math.min(end, start + FileCheckpoint.FINGERPRINT_BYTES));
    // Without a newline in sight the input is one long line, or a single line: JSON Lines reads
    // both.
    boolean document = newline >= 0 && isUnfinishedJson(window, start, newline - start);
    return new Sniff(document, Optional.of(first));
  }

  private static boolean isUnfinishedJson(byte[] bytes, int offset, int length) {
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      p.nextToken();
      return false;
    } catch (JsonEOFException e) {
      return true;
    } catch (IOException e) {
      return false; // garbage: a bad JSON Lines record, rejected on its own
    }
  }

  static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    decoded.close();
  }

  /**
   * Ends the stream at the first error instead of throwing it, keeping the error. A buffered reader
   * above would otherwise lose the bytes it had already read in the same call.
   */
  private static final class FailLate extends FilterInputStream {
    IOException failure;

    FailLate(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      if (failure != null) {
        return -1;
      }
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (failure != null) {
        return -1;
      }
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        return -1;
      }
    }

    @Override
    public int available() throws IOException {
      return failure != null ? 0 : super.available();
    }
  }

  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in, long start) {
      super(in);
      this.count = start;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
