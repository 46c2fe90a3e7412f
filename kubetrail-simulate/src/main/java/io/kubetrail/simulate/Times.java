package io.kubetrail.simulate;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Kubernetes time formats, from microseconds since the epoch: {@code MicroTime} ({@code
 * 2006-01-02T15:04:05.000000Z}, used by audit timestamps and lease times) and {@code Time} (whole
 * seconds, used by object metadata). Hand-written because it runs several times per event.
 */
final class Times {
  static final long MICROS_PER_SECOND = 1_000_000L;
  static final long MICROS_PER_MILLI = 1_000L;

  private Times() {}

  static long micros(Instant t) {
    return Math.addExact(
        Math.multiplyExact(t.getEpochSecond(), MICROS_PER_SECOND), t.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1_000);
  }

  static long seconds(long s) {
    return s * MICROS_PER_SECOND;
  }

  static long millis(long ms) {
    return ms * MICROS_PER_MILLI;
  }

  /** {@code 2006-01-02T15:04:05.000000Z}. */
  static String micro(long micros) {
    StringBuilder sb = new StringBuilder(27);
    appendSeconds(sb, Math.floorDiv(micros, MICROS_PER_SECOND));
    sb.append('.');
    pad(sb, Math.floorMod(micros, MICROS_PER_SECOND), 6);
    return sb.append('Z').toString();
  }

  /** {@code 2006-01-02T15:04:05Z}: the time truncated to whole seconds. */
  static String second(long micros) {
    StringBuilder sb = new StringBuilder(20);
    appendSeconds(sb, Math.floorDiv(micros, MICROS_PER_SECOND));
    return sb.append('Z').toString();
  }

  /** The last day formatted, {@code 2006-01-02T}; a step rarely crosses midnight. */
  private record Day(long epochDay, String text) {}

  private static final ThreadLocal<Day> LAST_DAY =
      ThreadLocal.withInitial(() -> new Day(Long.MIN_VALUE, ""));

  private static void appendSeconds(StringBuilder sb, long epochSecond) {
    long day = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    Day cached = LAST_DAY.get();
    if (cached.epochDay() != day) {
      LocalDate date = LocalDate.ofEpochDay(day);
      StringBuilder d = new StringBuilder(11);
      pad(d, date.getYear(), 4);
      d.append('-');
      pad(d, date.getMonthValue(), 2);
      d.append('-');
      pad(d, date.getDayOfMonth(), 2);
      d.append('T');
      cached = new Day(day, d.toString());
      LAST_DAY.set(cached);
    }
    sb.append(cached.text());
    pad(sb, secondOfDay / 3600, 2);
    sb.append(':');
    pad(sb, secondOfDay / 60 % 60, 2);
    sb.append(':');
    pad(sb, secondOfDay % 60, 2);
  }

  private static void pad(StringBuilder sb, long value, int width) {
    long limit = 10;
    for (int digits = 1; digits < width; digits++, limit *= 10) {
      if (value < limit) {
        sb.append('0');
      }
    }
    sb.append(value);
  }
}
