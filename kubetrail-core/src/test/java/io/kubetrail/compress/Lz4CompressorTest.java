package io.kubetrail.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.util.compress.LZ4;
import org.junit.jupiter.api.Test;

/** What the compressor writes, both LZ4 readers give back byte for byte, and it is smaller. */
class Lz4CompressorTest {
  /** Compresses into an output that held 3 bytes before, which must stay. */
  private static byte[] compress(
      Lz4Compressor compressor, byte[] in, int dictionaryStart, int offset, int length) {
    byte[] out = new byte[3 + Lz4Compressor.maxCompressedLength(length)];
    out[0] = out[1] = out[2] = 7;
    int end = compressor.compress(in, dictionaryStart, offset, length, out, 3);
    assertThat(Arrays.copyOf(out, 3)).containsExactly(7, 7, 7);
    return Arrays.copyOfRange(out, 3, end);
  }

  @Property(seed = "20261205", tries = 300)
  void bothReadersGiveTheInputBack(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 200_000) int length,
      @ForAll @IntRange(min = 0, max = 20) int offset)
      throws IOException {
    byte[] plain = Lz4DecompressorTest.plain(seed, length + offset);
    // One compressor for several inputs: nothing of the last one may leak into the next.
    Lz4Compressor compressor = new Lz4Compressor();
    compress(compressor, Lz4DecompressorTest.plain(seed + 1, 5000), 0, 0, 5000);
    byte[] compressed = compress(compressor, plain, offset, offset, length);
    byte[] expected = Arrays.copyOfRange(plain, offset, offset + length);

    byte[] read = new byte[length];
    int filled = new Lz4Decompressor(compressed, 0, compressed.length).decompress(read, 0, length);
    assertThat(filled).isEqualTo(length);
    assertThat(read).isEqualTo(expected);

    byte[] lucene = new byte[length + 8];
    LZ4.decompress(new ByteArrayDataInput(compressed), length, lucene, 0);
    assertThat(Arrays.copyOf(lucene, length)).isEqualTo(expected);
  }

  /**
   * With a dictionary: both readers, given the dictionary before where they write, give the input
   * back, and a dictionary like the input makes it smaller than none does.
   */
  @Property(seed = "20261206", tries = 300)
  void withADictionaryBothReadersGiveTheInputBack(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 70_000) int dictionary,
      @ForAll @IntRange(min = 0, max = 20_000) int length,
      @ForAll @IntRange(min = 0, max = 20) int before)
      throws IOException {
    byte[] in = Lz4DecompressorTest.plain(seed, before + dictionary + length);
    int offset = before + dictionary;
    Lz4Compressor compressor = new Lz4Compressor();
    byte[] compressed = compress(compressor, in, before, offset, length);

    byte[] read = Arrays.copyOf(in, offset + length);
    Arrays.fill(read, offset, read.length, (byte) 0);
    int filled =
        new Lz4Decompressor(compressed, 0, compressed.length)
            .decompress(read, offset, offset + length, offset + length);
    assertThat(filled).isEqualTo(offset + length);
    assertThat(read).isEqualTo(in);

    byte[] lucene = Arrays.copyOf(in, offset + length + 8);
    Arrays.fill(lucene, offset, lucene.length, (byte) 0);
    LZ4.decompress(new ByteArrayDataInput(compressed), length, lucene, offset);
    assertThat(Arrays.copyOf(lucene, offset + length)).isEqualTo(in);

    if (dictionary >= 4096 && length >= 1024) {
      assertThat(compressed.length)
          .isLessThan(compress(compressor, in, offset, offset, length).length);
    }
  }

  @Property(seed = "20261205", tries = 50)
  void repetitiveInputShrinks(@ForAll long seed) {
    byte[] plain = Lz4DecompressorTest.plain(seed, 64 * 1024);
    assertThat(compress(new Lz4Compressor(), plain, 0, 0, plain.length).length)
        .isLessThan(plain.length / 2);
  }

  @Test
  void anOutputWithoutRoomForTheWorstCaseIsRefused() {
    byte[] plain = new byte[1000];
    assertThatThrownBy(() -> new Lz4Compressor().compress(plain, 0, 1000, new byte[1000], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
