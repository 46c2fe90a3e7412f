package io.kubetrail.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.compress.LZ4;
import org.junit.jupiter.api.Test;

class Lz4DecompressorTest {
  /** Text with the repeats JSON has: short and long matches, overlapping ones, runs. */
  static byte[] plain(long seed, int length) {
    Random r = new Random(seed);
    byte[] out = new byte[length];
    List<String> words =
        List.of("\"kind\":", "\"Pod\"", "metadata", "aaaaaaaaaaaaaaaaaaaa", "x", ",");
    int i = 0;
    while (i < length) {
      int pick = r.nextInt(10);
      if (pick < 6) {
        byte[] w = words.get(r.nextInt(words.size())).getBytes();
        int n = Math.min(w.length, length - i);
        System.arraycopy(w, 0, out, i, n);
        i += n;
      } else if (pick < 8 && i > 0) {
        int from = r.nextInt(i);
        int n = Math.min(1 + r.nextInt(300), length - i);
        for (int k = 0; k < n; k++) {
          out[i + k] = out[from + k]; // may overlap what it writes, as LZ4 matches do
        }
        i += n;
      } else {
        out[i++] = (byte) r.nextInt(256);
      }
    }
    return out;
  }

  private static byte[] compress(byte[] plain) throws IOException {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    LZ4.compress(plain, 0, plain.length, out, new LZ4.FastCompressionHashTable());
    return out.toArrayCopy();
  }

  @Property(tries = 200, seed = "20261205")
  void decompressingInStepsGivesTheBytesLuceneCompressed(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 70_000) int length,
      @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 70_000) Integer> steps)
      throws IOException {
    byte[] plain = plain(seed, length);
    byte[] compressed = compress(plain);
    byte[] out = new byte[length];
    Lz4Decompressor reader = new Lz4Decompressor(compressed, 0, compressed.length);
    int filled = 0;
    for (int step : steps) {
      int want = Math.min(length, filled + step);
      int got = reader.decompress(out, filled, want);
      assertThat(got).isBetween(want, length);
      assertThat(Arrays.copyOf(out, got)).isEqualTo(Arrays.copyOf(plain, got));
      filled = got;
    }
    assertThat(reader.decompress(out, filled, length)).isEqualTo(length);
    assertThat(out).isEqualTo(plain);
  }

  /**
   * What Lucene compressed against a preset dictionary (as object bodies in snapshots and
   * checkpoints were written before this codec), read with the dictionary before the output.
   */
  @Property(tries = 200, seed = "20261206")
  void readsWhatLuceneCompressedWithADictionary(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 8_000) int dictionary,
      @ForAll @IntRange(min = 0, max = 20_000) int length)
      throws IOException {
    byte[] in = plain(seed, dictionary + length);
    ByteBuffersDataOutput packed = new ByteBuffersDataOutput();
    LZ4.compressWithDictionary(
        in, 0, dictionary, length, packed, new LZ4.FastCompressionHashTable());
    byte[] compressed = packed.toArrayCopy();
    byte[] out = Arrays.copyOf(in, dictionary + length);
    Arrays.fill(out, dictionary, out.length, (byte) 0);
    int filled =
        new Lz4Decompressor(compressed, 0, compressed.length)
            .decompress(out, dictionary, out.length);
    assertThat(filled).isEqualTo(out.length);
    assertThat(out).isEqualTo(in);
  }

  @Property(tries = 300, seed = "20261205")
  void damagedInputIsAnIoExceptionOrOtherBytesNeverAnotherError(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 5_000) int length, @ForAll int flip)
      throws IOException {
    byte[] plain = plain(seed, length);
    byte[] compressed = compress(plain);
    int at = Math.floorMod(flip, compressed.length);
    compressed[at] ^= (byte) (1 + Math.floorMod(flip >> 8, 255));
    byte[] out = new byte[length];
    try {
      new Lz4Decompressor(compressed, 0, compressed.length).decompress(out, 0, length);
    } catch (IOException expected) {
      assertThat(expected).hasMessageStartingWith("LZ4 ");
    }
  }

  @Test
  void aMatchReachingBeforeTheStartIsRefused() {
    // One literal 'a', then a match 2 bytes back: there is only one byte behind it.
    byte[] block = {0x10, 'a', 2, 0, 0x00};
    assertThatThrownBy(
            () -> new Lz4Decompressor(block, 0, block.length).decompress(new byte[16], 0, 16))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("match out of bounds");
  }
}
