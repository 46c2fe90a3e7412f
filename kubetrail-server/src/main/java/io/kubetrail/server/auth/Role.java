package io.kubetrail.server.auth;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do. */
public enum Role {
  /** Everything, including reading kubetrail's own access log. */
  ADMIN,
  /** Reads all audit data; changes nothing and cannot read the access log. */
  AUDITOR,
  /** Reads only the events, objects and report rows of its namespaces. */
  VIEWER;

  /** The name in users.yaml: {@code admin}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> byId(String id) {
    for (Role r : values()) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
