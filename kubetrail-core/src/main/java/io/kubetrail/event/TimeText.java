package io.kubetrail.event;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times and durations as people type them, in every front end: an instant is RFC 3339 ({@code
 * 2026-01-01T00:00:00Z}, {@code 2026-01-01T09:30:00.123456+05:30}) or a duration ago ({@code 30m},
 * {@code 2h}, {@code 7d}, {@code 1d12h}); a duration is a sequence of numbers with units {@code s},
 * {@code m}, {@code h}, {@code d} (24 hours) and {@code w} (7 days).
 */
public final class TimeText {
  private static final Pattern DURATION = Pattern.compile("(?:\\d+[smhdw])+");
  private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");

  /** The instant forms, for help texts and messages. */
  public static final String INSTANT_FORMS =
      "RFC 3339 (2026-01-01T00:00:00Z, 2026-01-01T00:00:00.5+02:00) or a time ago (30m, 2h, 7d)";

  /** The duration forms, for help texts and messages. */
  public static final String DURATION_FORMS = "a duration such as 90s, 30m, 2h, 7d, 91d or 1d12h";

  private TimeText() {}

  /**
   * An instant as {@link Instant#toString} writes it ({@code 2026-01-01T00:00:00.123Z}: UTC, with
   * 3, 6 or 9 fraction digits as needed), at a fraction of its cost.
   */
  public static String format(Instant t) {
    return Rfc3339.format(t);
  }

  /**
   * An RFC 3339 instant, or {@code now} minus a duration.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Instant parseInstant(String text, Instant now) {
    String trimmed = text.trim();
    if (DURATION.matcher(trimmed).matches()) {
      return now.minus(parseDuration(trimmed));
    }
    try {
      // RFC 3339 allows a lower-case 't' and 'z'; ISO-8601 parsing in Java does not.
      return OffsetDateTime.parse(
              trimmed.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time: expected " + INSTANT_FORMS);
    }
  }

  /**
   * A duration such as {@code 1d12h}.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parseDuration(String text) {
    String trimmed = text.trim();
    if (!DURATION.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: expected " + DURATION_FORMS);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(trimmed);
    try {
      while (part.find()) {
        long n = Long.parseLong(part.group(1));
        Duration unit =
            switch (part.group(2)) {
              case "s" -> Duration.ofSeconds(1);
              case "m" -> Duration.ofMinutes(1);
              case "h" -> Duration.ofHours(1);
              case "d" -> Duration.ofDays(1);
              default -> Duration.ofDays(7);
            };
        total = total.plus(unit.multipliedBy(n));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return total;
  }
}
