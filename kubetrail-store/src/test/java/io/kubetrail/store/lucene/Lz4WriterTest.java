package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.util.compress.LZ4;

/** What the writer compresses, both LZ4 readers give back byte for byte, and it is smaller. */
class Lz4WriterTest {
  private static byte[] compress(Lz4Writer writer, byte[] plain, int offset, int length) {
    ByteOutput out = new ByteOutput(length + length / 255 + 16);
    out.writeBytes(new byte[] {7, 7, 7}, 0, 3); // what the output held before stays
    writer.compress(plain, offset, length, out);
    assertThat(Arrays.copyOf(out.bytes, 3)).containsExactly(7, 7, 7);
    return Arrays.copyOfRange(out.bytes, 3, out.length);
  }

  @Property(seed = "20261205", tries = 300)
  void bothReadersGiveTheInputBack(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 200_000) int length,
      @ForAll @IntRange(min = 0, max = 20) int offset)
      throws IOException {
    byte[] plain = Lz4ReaderTest.plain(seed, length + offset);
    // One writer for several inputs: nothing of the last one may leak into the next.
    Lz4Writer writer = new Lz4Writer();
    compress(writer, Lz4ReaderTest.plain(seed + 1, 5000), 0, 5000);
    byte[] compressed = compress(writer, plain, offset, length);
    byte[] expected = Arrays.copyOfRange(plain, offset, offset + length);

    byte[] read = new byte[length];
    int filled = new Lz4Reader(compressed, 0, compressed.length).decompress(read, 0, length);
    assertThat(filled).isEqualTo(length);
    assertThat(read).isEqualTo(expected);

    byte[] lucene = new byte[length + 8];
    LZ4.decompress(new ByteArrayDataInput(compressed), length, lucene, 0);
    assertThat(Arrays.copyOf(lucene, length)).isEqualTo(expected);
  }

  @Property(seed = "20261205", tries = 50)
  void repetitiveInputShrinks(@ForAll long seed) {
    byte[] plain = Lz4ReaderTest.plain(seed, 64 * 1024);
    assertThat(compress(new Lz4Writer(), plain, 0, plain.length).length)
        .isLessThan(plain.length / 2);
  }
}
