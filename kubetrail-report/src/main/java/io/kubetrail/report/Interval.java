package io.kubetrail.report;

import io.kubetrail.history.ClusterState;
import io.kubetrail.history.ReplayStats;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The states of one cluster at the two ends of a report's interval, with the evidence they rest on;
 * and the changes between them.
 */
final class Interval {
  final ReportSource source;
  final Instant start;
  final Instant end;
  final ClusterState atStart;
  final ClusterState atEnd;
  private final long replayed;
  private final String startedFrom;
  private final Set<String> warnings = new LinkedHashSet<>();
  // Changes read beyond the two replays (scans of the interval).
  private long extra;

  private Interval(ReportSource source, Instant start, Instant end) throws IOException {
    this.source = source;
    this.start = start;
    this.end = end;
    StateHistory history = source.history();
    atStart = history.stateAt(start);
    ReplayStats first = history.lastReplay();
    atEnd = history.stateAt(end);
    ReplayStats second = history.lastReplay();
    replayed = first.changesRead() + second.changesRead();
    startedFrom =
        first.startedFrom()
            + (first.startedAt().equals(Instant.EPOCH) ? "" : " at " + first.startedAt());
    warnings.addAll(atStart.warnings());
    warnings.addAll(atEnd.warnings());
    first.notes().forEach(warnings::add);
    second.notes().forEach(warnings::add);
    checkHistoryReachesBack(first);
  }

  /** Replays the states at both ends. */
  static Interval of(ReportSource source, Instant start, Instant end) throws IOException {
    return new Interval(source, start, end);
  }

  /**
   * When replay started from an empty cluster, objects made before the store's first event are
   * unknown: say so when that first event is after the report's start.
   */
  private void checkHistoryReachesBack(ReplayStats first) throws IOException {
    if (!first.startedFrom().equals("empty cluster")) {
      return;
    }
    EventQuery q =
        EventQuery.builder()
            .clusters(source.cluster())
            .order(EventQuery.Order.OLDEST_FIRST)
            .build();
    SearchPage page = source.store().search(q, 1, Optional.empty());
    if (page.events().isEmpty()) {
      warnings.add("no events are stored for cluster " + source.cluster());
      return;
    }
    Instant oldest = page.events().get(0).event().requestReceivedTimestamp();
    if (oldest.isAfter(start)) {
      warnings.add(
          "the stored history begins at "
              + oldest
              + ", after the report's start, and no snapshot precedes it: objects that existed"
              + " before then and were not written since are missing");
    }
  }

  void warn(String warning) {
    warnings.add(warning);
  }

  /** The changes after the start, up to and including the end, in the order they happened. */
  EventStream changesBetween() throws IOException {
    return source.store().scanChanges(source.cluster(), justAfter(start), justAfter(end));
  }

  /** Counts what {@link #changesBetween()} read, for the evidence. */
  void countReplayed(long n) {
    extra += n;
  }

  Evidence evidence() {
    return new Evidence(replayed + extra, startedFrom, new ArrayList<>(warnings));
  }

  /** The store's ranges are half-open at microsecond precision: "at or before t" ends here. */
  static Instant justAfter(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
  }

  /** The authenticated user of a stored event; empty when none. */
  static String user(StoredEvent e) {
    return e.event().user().map(u -> u.username()).orElse("");
  }

  static List<String> sorted(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    l.sort(null);
    return l;
  }
}
