package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Changes held in a list, appended in any order (as files from several API servers are ingested),
 * read back in the order they happened: what the store does.
 */
final class ListChangeLog implements ChangeLog {
  static final Comparator<AuditEvent> HAPPENED =
      Comparator.comparing(AuditEvent::stageTimestamp)
          .thenComparing(AuditEvent::requestReceivedTimestamp)
          .thenComparing(AuditEvent::auditID);

  private final List<AuditEvent> events = new ArrayList<>();
  int scans;

  ListChangeLog append(List<AuditEvent> batch) {
    for (AuditEvent e : batch) {
      if (EventKind.isChange(e)) {
        events.add(e);
      }
    }
    return this;
  }

  ListChangeLog append(AuditEvent... batch) {
    return append(List.of(batch));
  }

  @Override
  public Changes changes(Instant from, Instant to) {
    scans++;
    List<AuditEvent> range =
        events.stream()
            .filter(e -> !e.stageTimestamp().isBefore(from) && !e.stageTimestamp().isAfter(to))
            .sorted(HAPPENED)
            .toList();
    Iterator<AuditEvent> it = range.iterator();
    return new Changes() {
      @Override
      public Optional<AuditEvent> next() {
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public long fingerprint(Instant t) {
    return events.stream().filter(e -> !e.requestReceivedTimestamp().isAfter(t)).count();
  }
}
