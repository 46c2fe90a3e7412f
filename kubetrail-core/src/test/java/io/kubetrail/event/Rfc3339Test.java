package io.kubetrail.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {
  private static final long MIN = Instant.parse("0001-01-02T00:00:00Z").getEpochSecond();
  private static final long MAX = Instant.parse("9999-12-30T00:00:00Z").getEpochSecond();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2018-10-25T14:09:12Z",
        "2026-01-01T00:00:00.123456Z",
        "2026-01-01T00:00:00.1Z",
        "2026-01-01T01:30:00+01:30",
        "2020-02-29T23:59:59.999999999-08:00",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2000-02-29T12:00:00+00:00",
        "2100-02-28T12:00:00-00:30"
      })
  void parsesWhatJavaTimeParses(String text) {
    assertThat(parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+23:59", "-23:59"})
  void acceptsOffsetsBeyondWhatJavaTimeAllows(String offset) {
    int sign = offset.startsWith("-") ? -1 : 1;
    assertThat(parse("2026-01-01T00:00:00" + offset))
        .isEqualTo(
            Instant.parse("2026-01-01T00:00:00Z").minusSeconds(sign * (23 * 3600 + 59 * 60)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2018-10-25t14:09:12z", "2018-10-25t14:09:12.5+02:00"})
  void acceptsLowerCaseSeparators(String text) {
    assertThat(parse(text)).isEqualTo(OffsetDateTime.parse(text.toUpperCase()).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-01-01T00:00:00.1234567891Z", "2026-01-01T00:00:00.123456789999Z"})
  void truncatesFractionsBeyondNanoseconds(String text) {
    String nanos = text.substring(0, text.indexOf('.') + 10) + "Z";
    assertThat(parse(text)).isEqualTo(Instant.parse(nanos));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:60Z",
        "2026-01-01T00:00:00.Z",
        "2026-01-01 00:00:00Z",
        "2026-01-01T00:00:00+0100",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+01:60",
        "2026-01-01T00:00:00Zjunk",
        "2026-01-01T00:00:00.12a3Z",
        "x026-01-01T00:00:00Z",
        "2026/01/01T00:00:00Z",
        "+2026-01-01T00:00:00Z"
      })
  void rejectsWhatIsNotRfc3339(String text) {
    assertThat(parse(text)).isNull();
  }

  @Property
  void parsesEveryFormattedInstant(
      @ForAll("instants") Instant t,
      @ForAll @IntRange(min = 0, max = 9) int digits,
      @ForAll("offsets") ZoneOffset offset) {
    String pattern = "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits));
    String text =
        DateTimeFormatter.ofPattern(pattern).withZone(offset).format(t)
            + (offset.getTotalSeconds() == 0 ? "Z" : offset.getId());

    assertThat(parse(text)).isEqualTo(truncate(t, digits));
  }

  @Property
  void formatsMicrosecondsAsKubernetesDoes(@ForAll("instants") Instant t) {
    String text = Rfc3339.formatMicros(t);

    assertThat(text)
        .isEqualTo(
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                .withZone(ZoneOffset.UTC)
                .format(t));
    assertThat(parse(text)).isEqualTo(t.truncatedTo(ChronoUnit.MICROS));
  }

  @Property
  void formatsAsInstantToStringDoes(@ForAll("instants") Instant t, @ForAll("fractions") int nano) {
    Instant at = Instant.ofEpochSecond(t.getEpochSecond(), nano);

    assertThat(TimeText.format(at)).isEqualTo(at.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "+10000-01-01T00:00:00Z",
        "-0001-12-31T23:59:59.5Z",
        "2026-01-01T00:00:00.100Z",
        "2026-01-01T00:00:00.000100Z",
        "2026-01-01T00:00:00.000000100Z"
      })
  void formatsTheEdgesAsInstantToStringDoes(String text) {
    Instant t = Instant.parse(text);

    assertThat(TimeText.format(t)).isEqualTo(t.toString());
  }

  /** Nanoseconds that need 0, 3, 6 or 9 fraction digits. */
  @Provide
  Arbitrary<Integer> fractions() {
    return Arbitraries.oneOf(
        Arbitraries.just(0),
        Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(n -> n * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs()
        .between(MIN, MAX)
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, 999_999_999)
                    .map(n -> Instant.ofEpochSecond(s, n)));
  }

  @Provide
  Arbitrary<ZoneOffset> offsets() {
    // java.time stops at ±18:00; the parser takes RFC 3339's ±23:59 (see the table above).
    return Arbitraries.integers()
        .between(-18 * 60, 18 * 60)
        .map(minutes -> ZoneOffset.ofTotalSeconds(minutes * 60));
  }

  private static Instant truncate(Instant t, int digits) {
    long unit = (long) Math.pow(10, 9 - digits);
    return Instant.ofEpochSecond(t.getEpochSecond(), t.getNano() / unit * unit);
  }

  private static Instant parse(String text) {
    return Rfc3339.parse(text.toCharArray(), 0, text.length());
  }
}
