package io.kubetrail.event;

import java.time.Instant;

/**
 * RFC 3339 timestamps as kube-apiserver writes them ({@code 2018-10-25T14:09:12Z}, {@code
 * 2026-01-01T00:00:00.123456Z}, or with a numeric offset), parsed without the allocations of {@link
 * Instant#parse}: decoding parses two of them per event.
 */
final class Rfc3339 {
  private static final int SECONDS_PER_DAY = 86_400;

  private Rfc3339() {}

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}. {@code T} and {@code Z} may be lower
   * case (RFC 3339 §5.6); fractions longer than nanoseconds are truncated, as Go's parser does.
   *
   * @return the instant, or {@code null} when the text is not such a timestamp
   */
  static Instant parse(char[] c, int off, int len) {
    if (len < 20) {
      return null;
    }
    int year = digits4(c, off);
    int month = digits2(c, off + 5);
    int day = digits2(c, off + 8);
    int hour = digits2(c, off + 11);
    int minute = digits2(c, off + 14);
    int second = digits2(c, off + 17);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > daysInMonth(year, month)
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || c[off + 4] != '-'
        || c[off + 7] != '-'
        || (c[off + 10] != 'T' && c[off + 10] != 't')
        || c[off + 13] != ':'
        || c[off + 16] != ':') {
      return null;
    }
    int i = off + 19;
    int end = off + len;
    int nanos = 0;
    if (c[i] == '.') {
      i++;
      int start = i;
      int scale = 100_000_000;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        nanos += (c[i] - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        return null;
      }
    }
    if (i >= end) {
      return null;
    }
    int offsetSeconds;
    char zone = c[i];
    if (zone == 'Z' || zone == 'z') {
      offsetSeconds = 0;
      i++;
    } else if ((zone == '+' || zone == '-') && end - i == 6 && c[i + 3] == ':') {
      int offHours = digits2(c, i + 1);
      int offMinutes = digits2(c, i + 4);
      if (offHours < 0 || offHours > 23 || offMinutes < 0 || offMinutes > 59) {
        return null;
      }
      offsetSeconds = (offHours * 3600 + offMinutes * 60) * (zone == '-' ? -1 : 1);
      i += 6;
    } else {
      return null;
    }
    if (i != end) {
      return null;
    }
    long epochSecond =
        daysFromCivil(year, month, day) * SECONDS_PER_DAY
            + hour * 3600L
            + minute * 60L
            + second
            - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** As {@link #parse(char[], int, int)}, for a string. */
  static Instant parse(String s) {
    return parse(s.toCharArray(), 0, s.length());
  }

  /**
   * Formats in UTC with microseconds ({@code 2006-01-02T15:04:05.000000Z}), the form of a v1
   * MicroTime field; sub-microsecond digits are dropped as kube-apiserver's encoder does.
   */
  static String formatMicros(Instant t) {
    char[] out = new char[27];
    if (!putDateTime(out, t.getEpochSecond())) {
      return t.toString();
    }
    out[19] = '.';
    putDigits(out, 20, 6, t.getNano() / 1000);
    out[26] = 'Z';
    return new String(out);
  }

  /**
   * The text of {@link Instant#toString} ({@code 2026-01-01T00:00:00Z}, with 3, 6 or 9 fraction
   * digits as the nanoseconds need), without its formatter's allocations: search pages write one
   * per row.
   */
  static String format(Instant t) {
    int nano = t.getNano();
    int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] out = new char[digits == 0 ? 20 : 21 + digits];
    if (!putDateTime(out, t.getEpochSecond())) {
      return t.toString();
    }
    if (digits > 0) {
      out[19] = '.';
      putDigits(out, 20, digits, nano / (digits == 3 ? 1_000_000 : digits == 6 ? 1_000 : 1));
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss} in UTC at the start of {@code out}; false outside years 0–9999. */
  private static boolean putDateTime(char[] out, long epochSecond) {
    long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
    int secondOfDay = Math.floorMod(epochSecond, SECONDS_PER_DAY);
    long[] ymd = civilFromDays(days);
    if (ymd[0] < 0 || ymd[0] > 9999) {
      return false;
    }
    put4(out, 0, (int) ymd[0]);
    out[4] = '-';
    put2(out, 5, (int) ymd[1]);
    out[7] = '-';
    put2(out, 8, (int) ymd[2]);
    out[10] = 'T';
    put2(out, 11, secondOfDay / 3600);
    out[13] = ':';
    put2(out, 14, secondOfDay / 60 % 60);
    out[16] = ':';
    put2(out, 17, secondOfDay % 60);
    return true;
  }

  /** {@code value} as {@code count} digits from {@code at}, zero-padded. */
  private static void putDigits(char[] out, int at, int count, int value) {
    for (int i = at + count - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int digits2(char[] c, int i) {
    int a = c[i] - '0';
    int b = c[i + 1] - '0';
    if (a < 0 || a > 9 || b < 0 || b > 9) {
      return -1;
    }
    return a * 10 + b;
  }

  private static int digits4(char[] c, int i) {
    int hi = digits2(c, i);
    int lo = digits2(c, i + 2);
    return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
  }

  private static void put2(char[] out, int i, int v) {
    out[i] = (char) ('0' + v / 10);
    out[i + 1] = (char) ('0' + v % 10);
  }

  private static void put4(char[] out, int i, int v) {
    put2(out, i, v / 100);
    put2(out, i + 2, v % 100);
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        return isLeap(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  private static boolean isLeap(int year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
  // Date Algorithms").
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  private static long[] civilFromDays(long days) {
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return new long[] {year, month, day};
  }
}
