package io.kubetrail.compress;

import java.io.IOException;

/**
 * Decompresses an LZ4 block ({@link Lz4Compressor}'s, or any other writer's) a part at a time: each
 * call goes on from the sequence where the last one stopped, so a reader of one event in a block
 * decompresses no further than that event. Matches may refer to bytes of the output before where
 * the block's first call started: a preset dictionary is put there.
 */
public final class Lz4Decompressor {
  private static final int MIN_MATCH = 4;

  private final byte[] in;
  private final int end;
  private int at;

  public Lz4Decompressor(byte[] in, int offset, int length) {
    this.in = in;
    this.at = offset;
    this.end = offset + length;
  }

  /**
   * Decompresses whole sequences into {@code out} from {@code from} until at least {@code upTo}
   * bytes of it are filled or the input ends.
   *
   * @return how many bytes of {@code out} are filled
   * @throws IOException when the input is not an LZ4 block that fits {@code out}
   */
  public int decompress(byte[] out, int from, int upTo) throws IOException {
    return decompress(out, from, upTo, out.length);
  }

  /**
   * The same into the first {@code limit} bytes of {@code out}: a buffer reused for blocks of
   * different sizes is longer than the block.
   */
  public int decompress(byte[] out, int from, int upTo, int limit) throws IOException {
    int filled = from;
    while (filled < upTo && at < end) {
      int token = in[at++] & 0xff;
      int literals = length(token >>> 4);
      if (literals > end - at || literals > limit - filled) {
        throw new IOException("LZ4 literals run past the block at byte " + at);
      }
      System.arraycopy(in, at, out, filled, literals);
      at += literals;
      filled += literals;
      if (at == end) {
        break; // the last sequence has no match
      }
      if (end - at < 2) {
        throw new IOException("LZ4 block ends inside a match offset");
      }
      int distance = (in[at] & 0xff) | (in[at + 1] & 0xff) << 8;
      at += 2;
      int match = length(token & 0x0f) + MIN_MATCH;
      if (distance == 0 || distance > filled || match > limit - filled) {
        throw new IOException("LZ4 match out of bounds at byte " + at);
      }
      int source = filled - distance;
      if (distance >= match) {
        System.arraycopy(out, source, out, filled, match);
      } else {
        for (int i = 0; i < match; i++) {
          out[filled + i] = out[source + i];
        }
      }
      filled += match;
    }
    return filled;
  }

  /** A 4-bit length from a token, extended by the bytes after it when it is 15. */
  private int length(int nibble) throws IOException {
    int length = nibble;
    if (nibble == 0x0f) {
      int b;
      do {
        if (at >= end) {
          throw new IOException("LZ4 block ends inside a length");
        }
        b = in[at++] & 0xff;
        length += b;
      } while (b == 0xff);
    }
    return length;
  }
}
