package io.kubetrail.history;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A kind of resource as the API server names it: an API group ({@code ""} for the core group) and a
 * lower-case plural resource name, e.g. {@code ("", "pods")} or {@code ("networking.k8s.io",
 * "networkpolicies")}.
 */
public record ResourceType(String group, String resource) implements Comparable<ResourceType> {

  /** Core {@code namespaces}: cluster-scoped, and deleting one deletes everything in it. */
  public static final ResourceType NAMESPACES = new ResourceType("", "namespaces");

  /**
   * Resources that kube-apiserver serves under two groups from one storage, by the group that
   * replay keys them under: a write through either group changes the one object. From {@code
   * AddCohabitatingResources} in kube-apiserver's {@code
   * pkg/kubeapiserver/default_storage_factory_builder.go} (kubernetes/kubernetes, checked at
   * 008b365). The canonical group is the one that is not {@code extensions}; for events, core.
   * {@code replicationcontrollers} is there too: extensions only served its {@code scale}.
   */
  private static final Map<ResourceType, ResourceType> CANONICAL =
      Map.ofEntries(
          alias("extensions", "networking.k8s.io", "networkpolicies"),
          alias("extensions", "networking.k8s.io", "ingresses"),
          alias("extensions", "apps", "deployments"),
          alias("extensions", "apps", "daemonsets"),
          alias("extensions", "apps", "replicasets"),
          alias("extensions", "policy", "podsecuritypolicies"),
          alias("extensions", "", "replicationcontrollers"),
          alias("events.k8s.io", "", "events"));

  /** The groups {@link #CANONICAL} maps from: replay asks for every change's type, most in none. */
  private static final Set<String> ALIAS_GROUPS =
      CANONICAL.keySet().stream().map(ResourceType::group).collect(Collectors.toUnmodifiableSet());

  private static Map.Entry<ResourceType, ResourceType> alias(
      String alias, String canonical, String resource) {
    return Map.entry(new ResourceType(alias, resource), new ResourceType(canonical, resource));
  }

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

  /**
   * The type replay keys this one's objects under: for a resource the API server also serves under
   * another group from the same storage, the group that is not {@code extensions} (core for
   * events); this type itself otherwise.
   */
  public ResourceType canonical() {
    return ALIAS_GROUPS.contains(group) ? CANONICAL.getOrDefault(this, this) : this;
  }

  /**
   * The canonical type of {@code resource} in {@code group}, the same instance each time: replay
   * works it out for every change, and keys compare faster by identity.
   */
  static ResourceType canonicalOf(String group, String resource) {
    ResourceType t = new ResourceType(group, resource);
    ResourceType known = INTERNED.get(t);
    if (known != null) {
      return known;
    }
    ResourceType c = t.canonical();
    if (INTERNED.size() < MAX_INTERNED) {
      ResourceType shared = INTERNED.putIfAbsent(c, c);
      c = shared != null ? shared : c;
      INTERNED.putIfAbsent(t, c);
    }
    return c;
  }

  /** Bounds the interned types: a log naming endless made-up resources must not fill memory. */
  private static final int MAX_INTERNED = 10_000;

  private static final Map<ResourceType, ResourceType> INTERNED = new ConcurrentHashMap<>();

  /**
   * Every type naming the same stored objects as this one, the {@link #canonical()} one first: what
   * to ask the store for to see every write to one object.
   */
  public List<ResourceType> aliases() {
    ResourceType c = canonical();
    return CANONICAL.entrySet().stream()
        .filter(e -> e.getValue().equals(c))
        .map(Map.Entry::getKey)
        .findFirst()
        .map(other -> List.of(c, other))
        .orElse(List.of(c));
  }

  /** {@code plural} for the core group, {@code plural.group} otherwise. */
  public String qualifiedName() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  public boolean isNamespaces() {
    return equals(NAMESPACES);
  }

  // Written out for the reason ResourceKey's are; the same hash as the generated one's.
  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof ResourceType t && resource.equals(t.resource) && group.equals(t.group);
  }

  @Override
  public int hashCode() {
    return group.hashCode() * 31 + resource.hashCode();
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
