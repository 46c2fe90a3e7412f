package io.kubetrail.store;

import io.kubetrail.event.ObjectReference;
import java.util.Objects;
import java.util.Optional;

/**
 * One Kubernetes object, independent of cluster: what {@link AuditStore#history} looks up.
 *
 * @param apiGroup the API group; empty for the core group
 * @param resource the resource, plural and lower case ({@code pods}, {@code networkpolicies})
 * @param namespace the namespace; empty for cluster-scoped objects, Namespaces included
 * @param name the object's name
 */
public record ObjectKey(String apiGroup, String resource, String namespace, String name) {

  public ObjectKey {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (resource.isEmpty()) {
      throw new IllegalArgumentException("resource must not be empty");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
  }

  /**
   * The object a stored event is about, or empty for a non-resource request and for an event that
   * names no object (a list, a deletecollection, a failed create by {@code generateName}).
   *
   * <p>The name is {@code objectRef.name}, or the enriched {@link StoredEvent#name()} when that is
   * empty (a create by {@code generateName}). Subresources belong to their object. For a Namespace,
   * kube-apiserver puts the namespace's own name in {@code objectRef.namespace}; the key is still
   * cluster-scoped.
   */
  public static Optional<ObjectKey> of(StoredEvent stored) {
    Optional<ObjectReference> ref = stored.event().objectRef();
    if (ref.isEmpty() || ref.get().resource().isEmpty()) {
      return Optional.empty();
    }
    ObjectReference r = ref.get();
    String name = !r.name().isEmpty() ? r.name() : stored.name();
    if (name.isEmpty() || name.equals("-")) {
      return Optional.empty();
    }
    String namespace = isNamespace(r.apiGroup(), r.resource()) ? "" : r.namespace();
    return Optional.of(new ObjectKey(r.apiGroup(), r.resource(), namespace, name));
  }

  private static boolean isNamespace(String apiGroup, String resource) {
    return apiGroup.isEmpty() && resource.equals("namespaces");
  }

  @Override
  public String toString() {
    String gr = apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
    return namespace.isEmpty() ? gr + "/" + name : gr + "/" + namespace + "/" + name;
  }
}
