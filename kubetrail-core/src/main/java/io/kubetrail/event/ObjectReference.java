package io.kubetrail.event;

import java.util.Objects;

/**
 * The object an event is about ({@code objectRef}). Absent fields are empty strings; {@code
 * apiGroup} is empty for the core group.
 */
public record ObjectReference(
    String resource,
    String namespace,
    String name,
    String uid,
    String apiGroup,
    String apiVersion,
    String resourceVersion,
    String subresource) {

  public ObjectReference {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(resourceVersion, "resourceVersion");
    Objects.requireNonNull(subresource, "subresource");
  }

  /** A reference with only resource, namespace and name set, for tests and tools. */
  public static ObjectReference of(
      String apiGroup, String resource, String namespace, String name) {
    return new ObjectReference(resource, namespace, name, "", apiGroup, "", "", "");
  }
}
