package io.kubetrail.store.lucene;

import java.util.Arrays;

/**
 * Compresses a block into the LZ4 block format that {@link Lz4Reader} (and Lucene's {@code LZ4})
 * reads: greedy matching through a hash table of 4-byte sequences, as LZ4's fast mode does.
 * Lucene's compressor writes the same format, but reads its input and hash table through var
 * handles and packed ints whose calls the launcher's small inlining limits leave uninlined: it was
 * a third of a block thread's time. Not thread-safe: one per thread, its table reused from block to
 * block.
 */
final class Lz4Writer {
  private static final int MIN_MATCH = 4;

  /** The last bytes of a block are always literals, and a match starts before these. */
  private static final int LAST_LITERALS = 5;

  private static final int MATCH_FREE_END = 12;
  private static final int MAX_DISTANCE = (1 << 16) - 1;
  private static final int HASH_BITS = 13;

  /** Misses in a row before the search steps over more than one byte at a time. */
  private static final int SKIP_STRENGTH = 6;

  /** Where each hash was last seen, as a position in the input; reset for each block. */
  private final int[] table = new int[1 << HASH_BITS];

  /**
   * Appends {@code length} bytes of {@code in} from {@code offset}, compressed, to {@code out}.
   * {@code out} should have room for the worst case ({@code length + length / 255 + 16}).
   */
  void compress(byte[] in, int offset, int length, ByteOutput out) {
    int end = offset + length;
    int anchor = offset;
    if (length > MATCH_FREE_END) {
      Arrays.fill(table, Integer.MIN_VALUE);
      int matchLimit = end - LAST_LITERALS;
      int lastStart = end - MATCH_FREE_END;
      int at = offset;
      int misses = 1 << SKIP_STRENGTH;
      while (at < lastStart) {
        int v = readInt(in, at);
        int h = hash(v);
        int ref = table[h];
        table[h] = at;
        if (ref < offset || at - ref > MAX_DISTANCE || readInt(in, ref) != v) {
          at += misses++ >>> SKIP_STRENGTH;
          continue;
        }
        misses = 1 << SKIP_STRENGTH;
        while (at > anchor && ref > offset && in[at - 1] == in[ref - 1]) {
          at--;
          ref--;
        }
        int matchEnd = extend(in, at + MIN_MATCH, ref + MIN_MATCH, matchLimit);
        sequence(in, anchor, at - anchor, at - ref, matchEnd - at - MIN_MATCH, out);
        // The position two before the match's end, so that the next match may start close by.
        if (matchEnd - 2 < lastStart) {
          table[hash(readInt(in, matchEnd - 2))] = matchEnd - 2;
        }
        at = matchEnd;
        anchor = at;
      }
    }
    lastLiterals(in, anchor, end - anchor, out);
  }

  /**
   * Where the match that continues at {@code at} (repeating the bytes at {@code ref}, before it)
   * ends, at most at {@code limit}. The JDK compares many bytes at a time; a match between two
   * similar events runs for hundreds of bytes.
   */
  private static int extend(byte[] in, int at, int ref, int limit) {
    int differs = Arrays.mismatch(in, at, limit, in, ref, ref + limit - at);
    return differs < 0 ? limit : at + differs;
  }

  private static int hash(int v) {
    return (v * -1640531535) >>> (32 - HASH_BITS);
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff)
        | (b[at + 1] & 0xff) << 8
        | (b[at + 2] & 0xff) << 16
        | (b[at + 3] & 0xff) << 24;
  }

  /** One sequence: the literals before a match, then the match's distance and extra length. */
  private static void sequence(
      byte[] in, int literalsAt, int literals, int distance, int extraMatch, ByteOutput out) {
    int token = (Math.min(literals, 0x0f) << 4) | Math.min(extraMatch, 0x0f);
    out.writeByte((byte) token);
    if (literals >= 0x0f) {
      length(literals - 0x0f, out);
    }
    out.writeBytes(in, literalsAt, literals);
    out.writeByte((byte) distance);
    out.writeByte((byte) (distance >>> 8));
    if (extraMatch >= 0x0f) {
      length(extraMatch - 0x0f, out);
    }
  }

  /** The last sequence: literals and no match. */
  private static void lastLiterals(byte[] in, int at, int literals, ByteOutput out) {
    out.writeByte((byte) (Math.min(literals, 0x0f) << 4));
    if (literals >= 0x0f) {
      length(literals - 0x0f, out);
    }
    out.writeBytes(in, at, literals);
  }

  private static void length(int rest, ByteOutput out) {
    out.writeRepeated((byte) 0xff, rest / 0xff);
    out.writeByte((byte) (rest % 0xff));
  }
}
