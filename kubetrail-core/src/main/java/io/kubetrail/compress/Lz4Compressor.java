package io.kubetrail.compress;

import java.util.Arrays;
import java.util.Objects;

/**
 * Compresses into the LZ4 block format ({@link Lz4Decompressor}, and any LZ4 block reader, reads
 * it): greedy matching through a hash table of 4-byte sequences, as LZ4's fast mode does. Input and
 * output are plain arrays: Lucene's compressor reads its input and hash table through var handles
 * and packed ints whose calls the launcher's small inlining limits leave uninlined. Not
 * thread-safe: one per thread, its table reused from call to call.
 */
public final class Lz4Compressor {
  private static final int MIN_MATCH = 4;

  /** The last bytes of a block are always literals, and a match starts before these. */
  private static final int LAST_LITERALS = 5;

  private static final int MATCH_FREE_END = 12;
  private static final int MAX_DISTANCE = (1 << 16) - 1;
  private static final int HASH_BITS = 13;

  /** Misses in a row before the search steps over more than one byte at a time. */
  private static final int SKIP_STRENGTH = 6;

  /** Where each hash was last seen, as a position in the input; reset for each call. */
  private final int[] table = new int[1 << HASH_BITS];

  /** The most bytes {@code length} bytes can take compressed. */
  public static int maxCompressedLength(int length) {
    return length + length / 255 + 16;
  }

  /**
   * Compresses {@code length} bytes of {@code in} from {@code offset} into {@code out} from {@code
   * outAt}, which must have room for {@link #maxCompressedLength}, and returns where they end.
   */
  public int compress(byte[] in, int offset, int length, byte[] out, int outAt) {
    return compress(in, offset, offset, length, out, outAt);
  }

  /**
   * The same, with the bytes of {@code in} from {@code dictionaryStart} to {@code offset} as a
   * preset dictionary that matches may refer to: the reader must have the same bytes before where
   * it decompresses (at most 64 KiB of them are used).
   */
  public int compress(
      byte[] in, int dictionaryStart, int offset, int length, byte[] out, int outAt) {
    Objects.checkFromToIndex(dictionaryStart, offset, in.length);
    Objects.checkFromIndexSize(offset, length, in.length);
    Objects.checkFromIndexSize(outAt, maxCompressedLength(length), out.length);
    int end = offset + length;
    int anchor = offset;
    int o = outAt;
    if (length > MATCH_FREE_END) {
      Arrays.fill(table, Integer.MIN_VALUE);
      for (int p = Math.max(dictionaryStart, offset - MAX_DISTANCE); p < offset; p++) {
        table[hash(readInt(in, p))] = p;
      }
      int matchLimit = end - LAST_LITERALS;
      int lastStart = end - MATCH_FREE_END;
      int at = offset;
      int misses = 1 << SKIP_STRENGTH;
      while (at < lastStart) {
        int v = readInt(in, at);
        int h = hash(v);
        int ref = table[h];
        table[h] = at;
        if (ref < dictionaryStart || at - ref > MAX_DISTANCE || readInt(in, ref) != v) {
          at += misses++ >>> SKIP_STRENGTH;
          continue;
        }
        misses = 1 << SKIP_STRENGTH;
        while (at > anchor && ref > dictionaryStart && in[at - 1] == in[ref - 1]) {
          at--;
          ref--;
        }
        int matchEnd = extend(in, at + MIN_MATCH, ref + MIN_MATCH, matchLimit);
        o = sequence(in, anchor, at - anchor, at - ref, matchEnd - at - MIN_MATCH, out, o);
        // The position two before the match's end, so that the next match may start close by.
        if (matchEnd - 2 < lastStart) {
          table[hash(readInt(in, matchEnd - 2))] = matchEnd - 2;
        }
        at = matchEnd;
        anchor = at;
      }
    }
    return lastLiterals(in, anchor, end - anchor, out, o);
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
  private static int sequence(
      byte[] in, int literalsAt, int literals, int distance, int extraMatch, byte[] out, int o) {
    out[o++] = (byte) ((Math.min(literals, 0x0f) << 4) | Math.min(extraMatch, 0x0f));
    if (literals >= 0x0f) {
      o = length(literals - 0x0f, out, o);
    }
    System.arraycopy(in, literalsAt, out, o, literals);
    o += literals;
    out[o++] = (byte) distance;
    out[o++] = (byte) (distance >>> 8);
    if (extraMatch >= 0x0f) {
      o = length(extraMatch - 0x0f, out, o);
    }
    return o;
  }

  /** The last sequence: literals and no match. */
  private static int lastLiterals(byte[] in, int at, int literals, byte[] out, int o) {
    out[o++] = (byte) (Math.min(literals, 0x0f) << 4);
    if (literals >= 0x0f) {
      o = length(literals - 0x0f, out, o);
    }
    System.arraycopy(in, at, out, o, literals);
    return o + literals;
  }

  private static int length(int rest, byte[] out, int o) {
    int full = rest / 0xff;
    Arrays.fill(out, o, o + full, (byte) 0xff);
    out[o + full] = (byte) (rest % 0xff);
    return o + full + 1;
  }
}
