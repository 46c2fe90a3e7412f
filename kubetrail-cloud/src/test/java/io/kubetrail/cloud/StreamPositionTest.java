package io.kubetrail.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.SourceCheckpoint;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.WithNull;
import org.junit.jupiter.api.Test;

class StreamPositionTest {

  @Property(tries = 300)
  void aStoredPositionReadsBackAsItWas(
      @ForAll @WithNull(0.3) @AlphaChars @NumericChars @StringLength(min = 1, max = 200)
          String token,
      @ForAll @LongRange(min = -1, max = 4_102_444_800_000L) long timestamp,
      @ForAll @LongRange(min = 0, max = 1_000_000) long atTimestamp) {
    String t = token == null ? null : "f/" + token + "/" + timestamp;
    StreamPosition p = new StreamPosition(Optional.ofNullable(t), timestamp, atTimestamp);
    assertThat(StreamPosition.parse(p.toCheckpoint())).contains(p);
  }

  @Test
  void countsTheEventsOfOneMillisecond() {
    StreamPosition p = StreamPosition.START.after(5).after(5).after(7).after(7).after(7);
    assertThat(p.timestamp()).isEqualTo(7);
    assertThat(p.atTimestamp()).isEqualTo(3);
    assertThat(StreamPosition.parse(new SourceCheckpoint("offset=3 line=1"))).isEmpty();
  }
}
