package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kubetrail.event.RawJson;
import io.kubetrail.store.RandomEvents;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

class EventCodecTest {

  @Property(tries = 300)
  void decodingAnEncodedEventGivesItBack(
      @ForAll int seed,
      @ForAll @StringLength(max = 40) String anyText,
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos)
      throws IOException {
    StoredEvent random = RandomEvents.event(new Random(seed));
    StoredEvent e =
        TestEvents.event(anyText)
            .cluster("c" + anyText)
            .user(anyText)
            .userAgent(anyText)
            .annotation(anyText, anyText)
            .received(Instant.ofEpochSecond(epochSecond, nanos))
            .name(anyText)
            .build();
    for (StoredEvent event : new StoredEvent[] {random, e}) {
      byte[] model = EventCodec.encode(event);
      assertThat(EventCodec.decode(model, event.event().json())).isEqualTo(event);
    }
  }

  /**
   * A truncated event always fails, as an IOException; a flipped byte either fails so or decodes
   * (the hash chain, not the codec, catches that). Never any other exception.
   */
  @Property(tries = 300)
  void damagedBytesFailAsIoExceptionsOnly(
      @ForAll int seed, @ForAll int position, @ForAll byte flip, @ForAll boolean truncate) {
    StoredEvent event = RandomEvents.event(new Random(seed));
    byte[] model = EventCodec.encode(event);
    int at = Math.floorMod(position, model.length);
    byte[] damaged;
    if (truncate) {
      damaged = Arrays.copyOf(model, at);
    } else {
      damaged = model.clone();
      damaged[at] ^= flip == 0 ? 1 : flip;
    }
    Throwable thrown = catchThrowable(() -> EventCodec.decode(damaged, RawJson.of("{}")));
    Statistics.label("fails").collect(thrown != null);
    if (truncate || thrown != null) {
      assertThat(thrown)
          .as(
              "decoding %s of %d bytes",
              truncate ? "the first " + at : "a flip at " + at, model.length)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("stored event");
    }
    Statistics.label("fails")
        .coverage(
            c -> {
              c.check(true).percentage(p -> p > 40);
              c.check(false).count(n -> n > 0);
            });
  }
}
