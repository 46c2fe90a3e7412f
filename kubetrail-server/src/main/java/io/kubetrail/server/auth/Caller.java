package io.kubetrail.server.auth;

import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An authenticated caller.
 *
 * @param name who it is, as the access log records it
 * @param role what it may do
 * @param namespaces for a {@link Role#VIEWER}, the namespaces it may read (possibly none); empty
 *     and meaningless for the other roles
 */
public record Caller(String name, Role role, SortedSet<String> namespaces) {
  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    namespaces = new TreeSet<>(namespaces);
  }

  public static Caller of(String name, Role role, Set<String> namespaces) {
    return new Caller(name, role, new TreeSet<>(namespaces));
  }

  /** Whether the caller reads only some namespaces. */
  public boolean scoped() {
    return role == Role.VIEWER;
  }

  /** Whether the caller may read the data of a namespace ({@code ""}: cluster-scoped data). */
  public boolean mayRead(String namespace) {
    return !scoped() || (!namespace.isEmpty() && namespaces.contains(namespace));
  }
}
