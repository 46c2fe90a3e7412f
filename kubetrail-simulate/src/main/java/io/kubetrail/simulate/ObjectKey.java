package io.kubetrail.simulate;

import java.util.Objects;

/**
 * Identifies one live object: API group ({@code ""} for core), resource (plural, never a
 * subresource), namespace ({@code ""} for cluster-scoped objects, Namespaces included) and name.
 * Ordered by those four fields in that order.
 */
public record ObjectKey(String apiGroup, String resource, String namespace, String name)
    implements Comparable<ObjectKey> {

  public ObjectKey {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (resource.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException(
          "resource and name must not be empty: " + resource + "/" + name);
    }
  }

  @Override
  public int compareTo(ObjectKey other) {
    int c = apiGroup.compareTo(other.apiGroup);
    if (c == 0) {
      c = resource.compareTo(other.resource);
    }
    if (c == 0) {
      c = namespace.compareTo(other.namespace);
    }
    return c != 0 ? c : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    String group = apiGroup.isEmpty() ? "" : "." + apiGroup;
    String ns = namespace.isEmpty() ? "" : namespace + "/";
    return resource + group + " " + ns + name;
  }
}
