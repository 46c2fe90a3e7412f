package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Stage;

/**
 * What an audit event means for the objects it names. Only a {@link #CHANGE} changes state: a
 * ResponseComplete event of a write verb ({@code create, update, patch, delete, deletecollection})
 * with a 2xx response code and no {@code dryRun} in its request URI.
 */
public enum EventKind {
  /** A write that took effect. */
  CHANGE,
  /** A write that was only tried: a {@code dryRun} request. */
  DRY_RUN,
  /** A write that failed: a response code outside 2xx, or a panic in the API server. */
  FAILED,
  /** A stage before ResponseComplete of a write; its ResponseComplete event tells the outcome. */
  INCOMPLETE,
  /** Not a write: reads, watches, non-resource requests. */
  OTHER;

  public static EventKind of(AuditEvent e) {
    if (!AuditEvent.CHANGE_VERBS.contains(e.verb()) || e.objectRef().isEmpty()) {
      return OTHER;
    }
    if (e.stage() == Stage.Panic) {
      return FAILED;
    }
    if (e.stage() != Stage.ResponseComplete) {
      return INCOMPLETE;
    }
    int code = e.responseCode().orElse(0);
    if (code < 200 || code > 299) {
      return FAILED;
    }
    return e.dryRun() ? DRY_RUN : CHANGE;
  }

  /** Whether this event can change state (replay reads only these). */
  public static boolean isChange(AuditEvent e) {
    return e.isChange();
  }
}
