package io.kubetrail.report;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.ReplayStats;
import io.kubetrail.history.Replayer;
import io.kubetrail.history.SnapshotInfo;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.ReadAhead;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A report's interval of one cluster's history, replayed once: the state at the start (by {@link
 * StateHistory#stateAt}, from the latest snapshot or checkpoint), then every change up to the end,
 * shown to a {@link Visitor} as it is applied; the state at the end is where that replay arrives
 * (or, when a snapshot was taken within the interval, {@link StateHistory#stateAt} the end, since a
 * snapshot is the truth at its time). Collects the evidence the report rests on.
 */
final class Interval {
  /** Sees each change of the interval, in the order they happened. */
  interface Visitor {
    /**
     * @param next the change about to be applied
     * @param before the replay, holding the state before {@code next}
     */
    void change(StoredEvent next, Replayer before);
  }

  /** A change as stored, and made ready to apply. */
  private record Change(StoredEvent stored, Replayer.Prepared prepared) {}

  final ReportSource source;
  final Instant start;
  final Instant end;
  final ClusterState atStart;
  final ClusterState atEnd;
  private final long replayed;
  private final String startedFrom;
  private final Set<String> warnings = new LinkedHashSet<>();

  private Interval(ReportSource source, Instant start, Instant end, Visitor visitor)
      throws IOException {
    this.source = source;
    this.start = start;
    this.end = end;
    StateHistory history = source.history();
    atStart = history.startOfInterval(start);
    ReplayStats first = history.lastReplay();
    startedFrom =
        first.startedFrom()
            + (first.startedAt().equals(Instant.EPOCH) ? "" : " at " + first.startedAt());
    first.notes().forEach(warnings::add);
    Replayer replayer = Replayer.forInterval(atStart);
    long read = 0;
    // Read ahead: the store finds and decodes the next changes, and the replayer's preparer finds
    // their bodies, while these are replayed.
    Function<AuditEvent, Replayer.Prepared> prepare = replayer.preparer();
    try (ReadAhead<Change> s =
        ReadAhead.mapped(
            source.store().scanChanges(source.cluster(), justAfter(start), justAfter(end)),
            e -> new Change(e, prepare.apply(e.event())))) {
      for (Optional<Change> next = s.next(); next.isPresent(); next = s.next()) {
        visitor.change(next.get().stored(), replayer);
        replayer.apply(next.get().prepared());
        read++;
      }
    }
    if (snapshotWithin(history)) {
      atEnd = history.stateAt(end);
      read += history.lastReplay().changesRead();
      history.lastReplay().notes().forEach(warnings::add);
    } else {
      atEnd = replayer.state(end);
    }
    replayed = first.changesRead() + read;
    warnings.addAll(atStart.warnings());
    warnings.addAll(atEnd.warnings());
    checkHistoryReachesBack(first);
    warnings.addAll(SourceGaps.warnings(source, start, end));
  }

  /** Replays the interval, showing each change to {@code visitor}. */
  static Interval replay(ReportSource source, Instant start, Instant end, Visitor visitor)
      throws IOException {
    return new Interval(source, start, end, visitor);
  }

  private boolean snapshotWithin(StateHistory history) throws IOException {
    for (SnapshotInfo s : history.snapshots()) {
      if (s.at().isAfter(start) && !s.at().isAfter(end)) {
        return true;
      }
    }
    return false;
  }

  private void checkHistoryReachesBack(ReplayStats first) throws IOException {
    historyWarning(source, start, first.startedFrom().equals("empty cluster"))
        .ifPresent(warnings::add);
  }

  /**
   * When replay started from an empty cluster, objects made before the store's first event are
   * unknown: a warning when that first event is after the report's start, or none is stored.
   */
  static Optional<String> historyWarning(ReportSource source, Instant start, boolean fromEmpty)
      throws IOException {
    if (!fromEmpty) {
      return Optional.empty();
    }
    EventQuery q =
        EventQuery.builder()
            .clusters(source.cluster())
            .order(EventQuery.Order.OLDEST_FIRST)
            .build();
    SearchPage page = source.store().search(q, 1, Optional.empty());
    if (page.events().isEmpty()) {
      return Optional.of("no events are stored for cluster " + source.cluster());
    }
    Instant oldest = page.events().get(0).event().requestReceivedTimestamp();
    if (oldest.isAfter(start)) {
      return Optional.of(
          "the stored history begins at "
              + oldest
              + ", after the report's start, and no snapshot precedes it: objects that existed"
              + " before then and were not written since are missing");
    }
    return Optional.empty();
  }

  void warn(String warning) {
    warnings.add(warning);
  }

  Evidence evidence() {
    return new Evidence(replayed, startedFrom, new ArrayList<>(warnings));
  }

  /** The store's ranges are half-open at microsecond precision: "at or before t" ends here. */
  static Instant justAfter(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
  }

  /** The authenticated user of a stored event; empty when none. */
  static String user(StoredEvent e) {
    return e.event().user().map(u -> u.username()).orElse("");
  }
}
