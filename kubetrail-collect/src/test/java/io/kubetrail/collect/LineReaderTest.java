package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  /** Returns at most a few bytes per read, to cross buffer boundaries everywhere. */
  private static InputStream trickle(byte[] bytes, int chunk) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  @Property
  void offsetsAndLineNumbersMatchTheText(
      @ForAll @Size(max = 30) List<@StringLength(max = 120) String> lines,
      @ForAll boolean finalNewline,
      @ForAll @IntRange(min = 64, max = 100) int maxLineBytes,
      @ForAll @IntRange(min = 1, max = 50) int chunk)
      throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      text.writeBytes(
          lines.get(i).replace('\n', ' ').replace('\uFEFF', ' ').getBytes(StandardCharsets.UTF_8));
      if (i < lines.size() - 1 || finalNewline) {
        text.write('\n');
      }
    }
    byte[] bytes = text.toByteArray();
    LineReader reader = new LineReader(trickle(bytes, chunk), maxLineBytes, 0, 0);

    long offset = 0;
    int expectedLine = 0;
    while (reader.next()) {
      expectedLine++;
      int end =
          offset + reader.lineBytes() < bytes.length
              ? (int) (offset + reader.lineBytes())
              : bytes.length;
      byte[] expected = java.util.Arrays.copyOfRange(bytes, (int) offset, end);
      if (reader.tooLong()) {
        assertThat(reader.lineBytes()).isGreaterThan(maxLineBytes);
      } else {
        assertThat(reader.line()).isEqualTo(expected);
      }
      assertThat(reader.lineNumber()).isEqualTo(expectedLine);
      offset = reader.endOffset();
      if (reader.terminated()) {
        assertThat(bytes[(int) offset - 1]).isEqualTo((byte) '\n');
      } else {
        assertThat(offset).isEqualTo(bytes.length);
      }
    }
    assertThat(offset).isEqualTo(bytes.length);
  }

  @Test
  void stripsCarriageReturnsAndAByteOrderMark() throws IOException {
    byte[] bytes = "\uFEFFone\r\ntwo\r\n".getBytes(StandardCharsets.UTF_8);
    LineReader reader = new LineReader(new ByteArrayInputStream(bytes), 64, 0, 0);

    assertThat(reader.next()).isTrue();
    assertThat(new String(reader.line(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(reader.endOffset()).isEqualTo(3 + 5);
    assertThat(reader.next()).isTrue();
    assertThat(new String(reader.line(), StandardCharsets.UTF_8)).isEqualTo("two");
    assertThat(reader.endOffset()).isEqualTo(bytes.length);
    assertThat(reader.next()).isFalse();
  }

  @Test
  void continuesNumberingFromAnOffset() throws IOException {
    LineReader reader =
        new LineReader(
            new ByteArrayInputStream("c\n".getBytes(StandardCharsets.UTF_8)), 64, 100, 7);

    assertThat(reader.next()).isTrue();
    assertThat(reader.lineNumber()).isEqualTo(8);
    assertThat(reader.endOffset()).isEqualTo(102);
  }
}
