package io.kubetrail.report.runs;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A GlobalReport's {@code schedule}: a standard five-field cron expression ({@code minute hour
 * day-of-month month day-of-week}, each {@code *}, numbers, ranges {@code a-b}, lists and steps
 * {@code /n}; names of months and days; {@code @hourly}, {@code @daily}, {@code @weekly}, {@code
 * @monthly}, {@code @yearly}), in UTC. As in cron, when both day fields are restricted, a day
 * matching either is a day of the schedule. Each time it fires ends one report's period and starts
 * the next; Calico allows at most two minute values per hour, and so does this.
 */
public final class CronSchedule {
  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

  /** How far ahead {@link #next} looks for a match: enough for any valid day and month. */
  private static final int MAX_YEARS = 8;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean daysRestricted;
  private final boolean weekdaysRestricted;

  private CronSchedule(String text, BitSet[] fields, boolean daysStar, boolean weekdaysStar) {
    this.text = text;
    this.minutes = fields[0];
    this.hours = fields[1];
    this.days = fields[2];
    this.months = fields[3];
    this.weekdays = fields[4];
    this.daysRestricted = !daysStar;
    this.weekdaysRestricted = !weekdaysStar;
  }

  /**
   * Parses a schedule.
   *
   * @throws IllegalArgumentException naming the field and what is allowed
   */
  public static CronSchedule parse(String text) {
    Objects.requireNonNull(text, "text");
    String expr =
        switch (text.trim()) {
          case "@hourly" -> "0 * * * *";
          case "@daily", "@midnight" -> "0 0 * * *";
          case "@weekly" -> "0 0 * * 0";
          case "@monthly" -> "0 0 1 * *";
          case "@yearly", "@annually" -> "0 0 1 1 *";
          default -> text.trim();
        };
    String[] parts = expr.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" is not a cron schedule: expected 5 fields (minute hour"
              + " day-of-month month day-of-week), got "
              + parts.length);
    }
    BitSet[] fields = {
      field("minute", parts[0], 0, 59, null),
      field("hour", parts[1], 0, 23, null),
      field("day of month", parts[2], 1, 31, null),
      field("month", parts[3], 1, 12, MONTHS),
      field("day of week", parts[4], 0, 7, DAYS)
    };
    if (fields[4].get(7)) {
      fields[4].set(0); // 7 is Sunday too
    }
    if (fields[0].cardinality() > 2) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\": at most two minute values per hour, as Calico allows, got "
              + fields[0].cardinality());
    }
    return new CronSchedule(text, fields, parts[2].equals("*"), parts[4].equals("*"));
  }

  /** The schedule as written. */
  public String text() {
    return text;
  }

  /** The first time strictly after {@code t} that the schedule fires; empty when it never does. */
  public Optional<Instant> next(Instant t) {
    LocalDateTime at =
        LocalDateTime.ofInstant(t, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = at.plusYears(MAX_YEARS);
    while (at.isBefore(limit)) {
      if (!months.get(at.getMonthValue())) {
        at = at.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
      } else if (!dayMatches(at)) {
        at = at.withHour(0).withMinute(0).plusDays(1);
      } else if (!hours.get(at.getHour())) {
        at = at.withMinute(0).plusHours(1);
      } else if (!minutes.get(at.getMinute())) {
        at = at.plusMinutes(1);
      } else {
        return Optional.of(at.toInstant(ZoneOffset.UTC));
      }
    }
    return Optional.empty();
  }

  /** The last time at or before {@code t} that the schedule fired; empty when none is near. */
  public Optional<Instant> previous(Instant t) {
    // Fire times are at least a minute apart: step back by growing windows and take the last.
    for (long back = 1; back <= 366L * 24 * 60 * MAX_YEARS; back *= 4) {
      Instant from = t.minus(back, ChronoUnit.MINUTES);
      Optional<Instant> last = Optional.empty();
      for (Optional<Instant> n = next(from); n.isPresent() && !n.get().isAfter(t); ) {
        last = n;
        n = next(n.get());
      }
      if (last.isPresent()) {
        return last;
      }
    }
    return Optional.empty();
  }

  boolean matches(LocalDateTime at) {
    return minutes.get(at.getMinute())
        && hours.get(at.getHour())
        && months.get(at.getMonthValue())
        && dayMatches(at);
  }

  private boolean dayMatches(LocalDateTime at) {
    boolean day = days.get(at.getDayOfMonth());
    boolean weekday =
        weekdays.get(at.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : at.getDayOfWeek().getValue());
    if (daysRestricted && weekdaysRestricted) {
      return day || weekday;
    }
    return day && weekday;
  }

  private static BitSet field(String name, String text, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(name, part.substring(slash + 1), 1, max, null);
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max == 7 ? 6 : max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(name, ends[0], min, max, names);
        to = number(name, ends[1], min, max, names);
        if (to < from) {
          throw bad(name, part, "the range ends before it starts");
        }
      } else {
        from = number(name, range, min, max, names);
        to = slash >= 0 ? (max == 7 ? 6 : max) : from;
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String name, String text, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(text.toLowerCase(Locale.ROOT))) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw bad(name, text, "expected " + min + " to " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(name, text, "expected a number from " + min + " to " + max + ", a range or *");
    }
  }

  private static IllegalArgumentException bad(String name, String text, String problem) {
    return new IllegalArgumentException(name + " \"" + text + "\": " + problem);
  }

  @Override
  public String toString() {
    return text;
  }
}
