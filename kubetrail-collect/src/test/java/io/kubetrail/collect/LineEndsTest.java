package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.ByteRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class LineEndsTest {

  /** Returns at most {@code chunk} bytes per read, so that lines cross read boundaries. */
  private static InputStream trickle(byte[] bytes, int chunk) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  @Property
  void knowsWhereEveryLineEnds(
      @ForAll @Size(max = 400) List<@ByteRange(min = 9, max = 12) Byte> bytes,
      @ForAll @IntRange(min = 1, max = 64) int chunk,
      @ForAll @IntRange(min = 0, max = 50) int forget)
      throws IOException {
    byte[] data = new byte[bytes.size()];
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < data.length; i++) {
      data[i] = bytes.get(i); // 10 is '\n'; 9, 11 and 12 are other bytes
      if (data[i] == '\n') {
        expected.add(i + 1L);
      }
    }
    LineEnds ends = new LineEnds(trickle(data, chunk));

    byte[] sink = new byte[37];
    while (ends.read(sink, 0, sink.length) >= 0) {
      // read it all
    }
    ends.forgetBefore(forget + 1);

    for (int line = 1; line <= expected.size() + 2; line++) {
      long want = line <= forget || line > expected.size() ? -1 : expected.get(line - 1);
      assertThat(ends.endOf(line)).as("line %d", line).isEqualTo(want);
    }
  }

  @Property
  void skippingStillSeesLineEnds(@ForAll @IntRange(min = 0, max = 30) int skip) throws IOException {
    byte[] data =
        "a\nbb\nccc\n\ndddd\neeeee\nf\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    LineEnds ends = new LineEnds(new ByteArrayInputStream(data));

    long skipped = ends.skip(skip);
    ends.readAllBytes();

    assertThat(skipped).isEqualTo(Math.min(skip, data.length));
    assertThat(ends.endOf(1)).isEqualTo(2);
    assertThat(ends.endOf(5)).isEqualTo(15);
    assertThat(ends.endOf(7)).isEqualTo(data.length);
    assertThat(ends.endOf(8)).isEqualTo(-1);
  }
}
