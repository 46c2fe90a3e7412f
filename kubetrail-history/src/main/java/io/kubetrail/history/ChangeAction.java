package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;

/** What a change does to the state, by its verb and whether it names a subresource. */
enum ChangeAction {
  NONE,
  SUBRESOURCE,
  DELETE,
  DELETE_COLLECTION,
  CREATE,
  WRITE;

  /** The action of a change (an event for which {@link EventKind#isChange} holds). */
  static ChangeAction of(AuditEvent change) {
    if (!change.objectRef().orElseThrow().subresource().isEmpty()) {
      return SUBRESOURCE;
    }
    return switch (change.verb()) {
      case "delete" -> DELETE;
      case "deletecollection" -> DELETE_COLLECTION;
      case "create" -> CREATE;
      default -> WRITE;
    };
  }

  /** Whether it writes the object's new body. */
  boolean writes() {
    return this == CREATE || this == WRITE;
  }
}
