package io.kubetrail.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, growable byte buffer that stores at most {@code cap} bytes but counts everything
 * written, so that an oversized event is measured without being held in memory.
 */
final class ByteSink {
  private byte[] buf;
  private int size;
  private long written;
  private int cap;

  ByteSink(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  /** Empties the sink and sets how many bytes it may store. */
  void reset(int newCap) {
    size = 0;
    written = 0;
    cap = newCap;
  }

  void write(byte b) {
    if (size < cap) {
      if (size == buf.length) {
        grow(size + 1);
      }
      buf[size++] = b;
    }
    written++;
  }

  void write(byte[] src, int off, int len) {
    int room = cap - size;
    int n = Math.min(room, len);
    if (n > 0) {
      if (size + n > buf.length) {
        grow(size + n);
      }
      System.arraycopy(src, off, buf, size, n);
      size += n;
    }
    written += len;
  }

  void write(String ascii) {
    byte[] b = ascii.getBytes(StandardCharsets.UTF_8);
    write(b, 0, b.length);
  }

  /** True when more was written than could be stored. */
  boolean overflowed() {
    return written > cap;
  }

  /** Everything written, stored or not. */
  long written() {
    return written;
  }

  int size() {
    return size;
  }

  byte[] array() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void grow(int needed) {
    long next = Math.max((long) buf.length * 2, needed);
    buf = Arrays.copyOf(buf, (int) Math.min(next, Integer.MAX_VALUE - 16));
  }
}
