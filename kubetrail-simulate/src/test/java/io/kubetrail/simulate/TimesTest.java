package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimesTest {

  @ParameterizedTest
  @CsvSource({
    "1970-01-01T00:00:00Z, 1970-01-01T00:00:00.000000Z, 1970-01-01T00:00:00Z",
    "2026-01-01T00:00:00.000001Z, 2026-01-01T00:00:00.000001Z, 2026-01-01T00:00:00Z",
    "2024-02-29T23:59:59.999999Z, 2024-02-29T23:59:59.999999Z, 2024-02-29T23:59:59Z",
    "2026-07-04T09:05:03.120000Z, 2026-07-04T09:05:03.120000Z, 2026-07-04T09:05:03Z",
  })
  void formatsAsKubernetesDoes(String instant, String micro, String second) {
    long micros = Times.micros(Instant.parse(instant));
    assertThat(Times.micro(micros)).isEqualTo(micro);
    assertThat(Times.second(micros)).isEqualTo(second);
  }

  @Property
  void microTimeReadsBackAsTheSameInstant(
      @ForAll @LongRange(min = 0, max = 32_503_680_000_000_000L) long micros) {
    String text = Times.micro(micros);
    assertThat(text).hasSize(27);
    assertThat(Times.micros(Instant.parse(text))).isEqualTo(micros);
    assertThat(Times.instant(micros)).isEqualTo(Instant.parse(text));
  }
}
