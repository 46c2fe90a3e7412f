package io.kubetrail.history.netpol;

import io.kubetrail.history.BodyReading;
import java.util.Arrays;

/**
 * Ranges of one body's bytes: the part of a body a reading depends on, so that a body whose ranges
 * hold the same bytes as the last one's is known to read the same without being read (most writes
 * to a pod or an Endpoints change only its metadata or status). The body must not change while it
 * is held: replay's bodies never do.
 */
final class ByteRanges implements BodyReading {
  private final byte[] bytes;
  private final int[] bounds;

  private ByteRanges(byte[] bytes, int[] bounds) {
    this.bytes = bytes;
    this.bounds = bounds;
  }

  /** Whether both hold the same bytes, range by range. */
  boolean sameAs(ByteRanges o) {
    if (bounds.length != o.bounds.length) {
      return false;
    }
    for (int k = 0; k < bounds.length; k += 2) {
      if (!Arrays.equals(bytes, bounds[k], bounds[k + 1], o.bytes, o.bounds[k], o.bounds[k + 1])) {
        return false;
      }
    }
    return true;
  }

  /** Collects the ranges of one body, in order. */
  static final class Builder {
    private final byte[] bytes;
    private int[] bounds = new int[8];
    private int n;

    Builder(byte[] bytes) {
      this.bytes = bytes;
    }

    /** Adds {@code [from, to)}. */
    Builder add(int from, int to) {
      if (from < 0 || to < from || to > bytes.length) {
        throw new IllegalArgumentException("no range [" + from + ", " + to + ")");
      }
      if (n == bounds.length) {
        bounds = Arrays.copyOf(bounds, n * 2);
      }
      bounds[n++] = from;
      bounds[n++] = to;
      return this;
    }

    ByteRanges build() {
      return new ByteRanges(bytes, Arrays.copyOf(bounds, n));
    }
  }
}
