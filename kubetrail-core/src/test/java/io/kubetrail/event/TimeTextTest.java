package io.kubetrail.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeTextTest {
  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  @ParameterizedTest
  @CsvSource({
    "2026-01-01T00:00:00Z,               2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00.123456Z,        2026-01-01T00:00:00.123456Z",
    "2026-01-01T00:00:00.123456789Z,     2026-01-01T00:00:00.123456789Z",
    "2026-01-01t05:30:00.5+05:30,        2026-01-01T00:00:00.5Z",
    "2026-01-01T00:00:00-01:00,          2026-01-01T01:00:00Z",
    "2026-01-01T00:00:00z,               2026-01-01T00:00:00Z",
    "30s,                                2026-03-10T11:59:30Z",
    "2h,                                 2026-03-10T10:00:00Z",
    "7d,                                 2026-03-03T12:00:00Z",
    "1w,                                 2026-03-03T12:00:00Z",
    "1d12h,                              2026-03-09T00:00:00Z",
    "0s,                                 2026-03-10T12:00:00Z",
  })
  void parsesInstants(String text, String expected) {
    assertThat(TimeText.parseInstant(text, NOW)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-13-01T00:00:00Z",
        "-2h",
        "2 h",
        "2H",
        "h"
      })
  void rejectsOtherForms(String text) {
    assertThatThrownBy(() -> TimeText.parseInstant(text, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a time")
        .hasMessageContaining("RFC 3339");
  }

  @ParameterizedTest
  @CsvSource({"91d, PT2184H", "90s, PT1M30S", "1w1d, PT192H", "45m, PT45M"})
  void parsesDurations(String text, String expected) {
    assertThat(TimeText.parseDuration(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"91", "d", "1.5h", "2026-01-01T00:00:00Z", "99999999999999999999d"})
  void rejectsBadDurations(String text) {
    assertThatThrownBy(() -> TimeText.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Property
  void aDurationAgoIsNowMinusTheDuration(
      @ForAll @IntRange(max = 10_000) int days,
      @ForAll @IntRange(max = 23) int hours,
      @ForAll @IntRange(max = 59) int minutes) {
    String text = days + "d" + hours + "h" + minutes + "m";
    Duration expected = Duration.ofDays(days).plusHours(hours).plusMinutes(minutes);

    assertThat(TimeText.parseInstant(text, NOW)).isEqualTo(NOW.minus(expected));
  }
}
