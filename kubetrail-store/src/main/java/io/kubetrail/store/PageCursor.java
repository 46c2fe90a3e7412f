package io.kubetrail.store;

import java.util.Objects;

/**
 * Where the next page of a {@link AuditStore#search} starts. Opaque; its {@link #token()} is a
 * short printable string that may be sent to a client and back. A cursor stays valid while events
 * are appended: the next page continues after the last event of the previous one.
 */
public record PageCursor(String token) {
  public PageCursor {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("cursor token must not be empty");
    }
  }
}
