package io.kubetrail.report.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Cron schedules: examples, and a seeded property against scanning minute by minute. */
class CronScheduleTest {
  private static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void firesAfterTheGivenTime() {
    CronSchedule daily = CronSchedule.parse("0 0 * * *");
    assertThat(daily.next(at("2026-01-01T00:00:00Z"))).contains(at("2026-01-02T00:00:00Z"));
    assertThat(daily.next(at("2026-01-01T23:59:59Z"))).contains(at("2026-01-02T00:00:00Z"));
    assertThat(daily.previous(at("2026-01-02T00:00:00Z"))).contains(at("2026-01-02T00:00:00Z"));
    assertThat(daily.previous(at("2026-01-02T13:00:00Z"))).contains(at("2026-01-02T00:00:00Z"));
    assertThat(CronSchedule.parse("@weekly").next(at("2026-01-01T00:00:00Z")))
        .as("2026-01-04 is a Sunday")
        .contains(at("2026-01-04T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 29 feb *").next(at("2026-01-01T00:00:00Z")))
        .contains(at("2028-02-29T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 31 feb *").next(at("2026-01-01T00:00:00Z"))).isEmpty();
    assertThat(CronSchedule.parse("15,45 9-17 * * mon-fri").next(at("2026-01-02T17:50:00Z")))
        .as("Friday evening to Monday morning")
        .contains(at("2026-01-05T09:15:00Z"));
  }

  @Test
  void badSchedulesNameTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 0 * *")).hasMessageContaining("5 fields");
    assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *")).hasMessageContaining("hour");
    assertThatThrownBy(() -> CronSchedule.parse("*/10 * * * *"))
        .hasMessageContaining("at most two minute values");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 * foo *")).hasMessageContaining("month");
    assertThatThrownBy(() -> CronSchedule.parse("0 5-2 * * *")).hasMessageContaining("range");
  }

  @Property(tries = 300)
  void nextIsTheFirstMinuteThatMatches(@ForAll long seed) {
    Random random = new Random(seed);
    String expr =
        pick(random, "0", "30", "5,35", "59")
            + " "
            + pick(random, "*", "0", "*/6", "9-17", "23")
            + " "
            + pick(random, "*", "1", "15", "1-7", "*/10", "31")
            + " "
            + pick(random, "*", "2", "jan-mar", "*/4")
            + " "
            + pick(random, "*", "0", "mon-fri", "6,7", "sat");
    CronSchedule s = CronSchedule.parse(expr);
    Instant from =
        at("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(366 * 24 * 3600)).plusNanos(7);
    Optional<Instant> next = s.next(from);
    // Scan minute by minute for up to two years (a 31st in February would take forever).
    LocalDateTime t =
        LocalDateTime.ofInstant(from, ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    for (int i = 0; i < 2 * 366 * 24 * 60; i++, t = t.plusMinutes(1)) {
      if (s.matches(t)) {
        assertThat(next).as(expr + " after " + from).contains(t.toInstant(ZoneOffset.UTC));
        assertThat(s.previous(t.toInstant(ZoneOffset.UTC).plusSeconds(59)))
            .contains(t.toInstant(ZoneOffset.UTC));
        return;
      }
    }
    assertThat(next.map(n -> n.isAfter(from.plus(2 * 366, ChronoUnit.DAYS))).orElse(true))
        .as(expr)
        .isTrue();
  }

  private static String pick(Random random, String... values) {
    return values[random.nextInt(values.length)];
  }
}
