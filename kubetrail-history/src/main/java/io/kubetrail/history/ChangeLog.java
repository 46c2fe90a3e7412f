package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** Where replay reads one cluster's changes from: the store, or a list in tests. */
interface ChangeLog {

  /**
   * The changes with {@code from <= stageTimestamp <= to}, in the order they happened (stage time,
   * then request time, then auditID), whatever order they were stored in.
   */
  Changes changes(Instant from, Instant to) throws IOException;

  /**
   * A number that changes whenever a change that happened at or before {@code t} is added or
   * removed: a checkpoint at {@code t} is stale when it differs from the one taken with it.
   */
  long fingerprint(Instant t) throws IOException;

  /** A stream of changes, held open until closed. */
  interface Changes extends Closeable {
    Optional<AuditEvent> next() throws IOException;
  }
}
