package io.kubetrail.history;

import io.kubetrail.store.ObjectKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * The identity of one object: its resource type, namespace ({@code ""} when cluster-scoped) and
 * name. A Namespace object is always cluster-scoped, whatever namespace its audit {@code objectRef}
 * carries.
 *
 * <p>A key keeps the group it was named with; {@link #canonical()} is the key of the stored object,
 * the same whichever group of a resource served under two groups named it. States and histories are
 * keyed canonically.
 */
public record ResourceKey(ResourceType type, String namespace, String name)
    implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::type)
          .thenComparing(ResourceKey::namespace)
          .thenComparing(ResourceKey::name);

  public ResourceKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (type.isNamespaces()) {
      namespace = "";
    }
  }

  public static ResourceKey of(String group, String resource, String namespace, String name) {
    return new ResourceKey(new ResourceType(group, resource), namespace, name);
  }

  /**
   * Parses {@code RESOURCE/NAMESPACE/NAME} or, for a cluster-scoped object, {@code RESOURCE/NAME};
   * {@code RESOURCE} is {@code plural} or {@code plural.group}.
   */
  public static ResourceKey parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.split("/", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException(
            "expected RESOURCE/NAMESPACE/NAME or RESOURCE/NAME, got '" + text + "'");
      }
    }
    return switch (parts.length) {
      case 2 -> new ResourceKey(ResourceType.parse(parts[0]), "", parts[1]);
      case 3 -> new ResourceKey(ResourceType.parse(parts[0]), parts[1], parts[2]);
      default ->
          throw new IllegalArgumentException(
              "expected RESOURCE/NAMESPACE/NAME or RESOURCE/NAME, got '" + text + "'");
    };
  }

  /** The key of the same object under its type's {@link ResourceType#canonical()} group. */
  public ResourceKey canonical() {
    ResourceType c = type.canonical();
    return c.equals(type) ? this : new ResourceKey(c, namespace, name);
  }

  /** The same object as the store keys its events: by the group this key names. */
  public ObjectKey toObjectKey() {
    return new ObjectKey(type.group(), type.resource(), namespace, name);
  }

  public boolean clusterScoped() {
    return namespace.isEmpty();
  }

  /** {@code namespace/name}, or just {@code name} when cluster-scoped: how state lists objects. */
  public String namespacedName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  // Written out rather than generated: replay looks keys up for every change, and the generated
  // methods are method-handle chains that the launcher's small C2 inlining limits leave as calls.
  // The hash is the generated one's, so that maps iterate in the same order.
  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof ResourceKey k
            && name.equals(k.name)
            && namespace.equals(k.namespace)
            && type.equals(k.type);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + namespace.hashCode()) * 31 + name.hashCode();
  }

  @Override
  public int compareTo(ResourceKey o) {
    return ORDER.compare(this, o);
  }

  /** The form {@link #parse} reads. */
  @Override
  public String toString() {
    return type.qualifiedName() + "/" + namespacedName();
  }
}
