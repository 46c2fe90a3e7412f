package io.kubetrail.history;

import java.util.Objects;

/**
 * A kind of resource as the API server names it: an API group ({@code ""} for the core group) and a
 * lower-case plural resource name, e.g. {@code ("", "pods")} or {@code ("networking.k8s.io",
 * "networkpolicies")}.
 */
public record ResourceType(String group, String resource) implements Comparable<ResourceType> {

  /** Core {@code namespaces}: cluster-scoped, and deleting one deletes everything in it. */
  public static final ResourceType NAMESPACES = new ResourceType("", "namespaces");

  public ResourceType {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
    if (resource.isEmpty()) {
      throw new IllegalArgumentException("resource must not be empty");
    }
  }

  /**
   * Parses {@code plural} or {@code plural.group}, as {@code kubectl} accepts them: {@code pods},
   * {@code networkpolicies.networking.k8s.io}, {@code deployments.apps}.
   */
  public static ResourceType parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    if (t.isEmpty() || t.startsWith(".") || t.endsWith(".") || t.contains("/")) {
      throw new IllegalArgumentException(
          "not a resource name (expected plural or plural.group, e.g. pods or"
              + " networkpolicies.networking.k8s.io): '"
              + text
              + "'");
    }
    int dot = t.indexOf('.');
    return dot < 0
        ? new ResourceType("", t)
        : new ResourceType(t.substring(dot + 1), t.substring(0, dot));
  }

  /** {@code plural} for the core group, {@code plural.group} otherwise. */
  public String qualifiedName() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  public boolean isNamespaces() {
    return equals(NAMESPACES);
  }

  @Override
  public int compareTo(ResourceType o) {
    int c = resource.compareTo(o.resource);
    return c != 0 ? c : group.compareTo(o.group);
  }

  @Override
  public String toString() {
    return qualifiedName();
  }
}
