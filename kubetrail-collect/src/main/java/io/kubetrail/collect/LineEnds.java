package io.kubetrail.collect;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Passes a stream through and notes where each of its lines ends, so that a checkpoint can name the
 * byte offset just past a line although the decoder reading the stream buffers ahead. Offsets and
 * line numbers count from the start of this stream; lines already checkpointed can be forgotten.
 */
final class LineEnds extends FilterInputStream {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private long[] ends = new long[1024];
  private long firstLine = 1; // the line whose end is ends[0]
  private int size;
  private long offset;

  LineEnds(InputStream in) {
    super(in);
  }

  /** The offset just past the newline that ends {@code line}; -1 if not seen (or forgotten). */
  long endOf(long line) {
    long index = line - firstLine;
    return index < 0 || index >= size ? -1 : ends[(int) index];
  }

  /** Forgets the ends of lines before {@code line}; they will not be asked for again. */
  void forgetBefore(long line) {
    int drop = (int) Math.min(size, Math.max(0, line - firstLine));
    if (drop > 0) {
      System.arraycopy(ends, drop, ends, 0, size - drop);
      size -= drop;
      firstLine += drop;
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      offset++;
      if (b == '\n') {
        add(offset);
      }
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      scan(b, off, n);
      offset += n;
    }
    return n;
  }

  /**
   * Notes the newlines in {@code b[off, off + n)}, eight bytes at a time: a byte equal to '\n'
   * becomes zero under XOR, and the classic has-zero-byte test flags it (and, rarely, a byte after
   * one, so each flag is checked).
   */
  private void scan(byte[] b, int off, int n) {
    int i = off;
    int end = off + n;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES;
      long flags = (x - ONES) & ~x & HIGH_BITS;
      while (flags != 0) {
        int at = i + (Long.numberOfTrailingZeros(flags) >>> 3);
        if (b[at] == '\n') {
          add(offset + at - off + 1);
        }
        flags &= flags - 1;
      }
    }
    for (; i < end; i++) {
      if (b[i] == '\n') {
        add(offset + i - off + 1);
      }
    }
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipping would lose line ends; read through instead.
    byte[] scratch = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  private void add(long end) {
    if (size == ends.length) {
      ends = Arrays.copyOf(ends, size * 2);
    }
    ends[size++] = end;
  }
}
