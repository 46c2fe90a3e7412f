package io.kubetrail.history;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.search.BadParameterException;
import java.io.IOException;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An object as people name it, in every front end: {@code RESOURCE/NAMESPACE/NAME} or {@code
 * RESOURCE/NAME}, where {@code RESOURCE} is a plural, with or without its API group.
 */
public final class ObjectArgument {
  private ObjectArgument() {}

  /**
   * Parses RESOURCE/NAMESPACE/NAME or RESOURCE/NAME.
   *
   * @param parameter how the front end names the argument, for messages ({@code --object})
   * @throws BadParameterException when the text is not of that form
   */
  public static ResourceKey parse(String text, String parameter) {
    try {
      return ResourceKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException(parameter, prefix(parameter) + e.getMessage());
    }
  }

  /**
   * The object a parsed argument names. A plural without a group takes the group the store has the
   * object in, in the given clusters; in several, the caller must choose. The two groups of a
   * resource served from one storage (networkpolicies in extensions and networking.k8s.io) count as
   * one, the canonical.
   *
   * @throws BadParameterException when the store has the object in several groups, naming them
   */
  public static ResourceKey resolveGroup(
      AuditStore store, Collection<String> clusters, ResourceKey key, String parameter)
      throws IOException {
    if (!key.type().group().isEmpty()) {
      return key;
    }
    SortedSet<ResourceType> types = new TreeSet<>();
    for (String cluster : clusters) {
      types.addAll(ObjectHistory.typesOf(store, cluster, key));
    }
    if (types.size() == 1) {
      return new ResourceKey(types.first(), key.namespace(), key.name());
    }
    if (types.size() > 1) {
      StringBuilder msg =
          new StringBuilder(
              prefix(parameter)
                  + key
                  + " is ambiguous: the store has events about it in several API groups;"
                  + " name one of:");
      for (ResourceType t : types) {
        msg.append("\n  ").append(new ResourceKey(t, key.namespace(), key.name()));
      }
      throw new BadParameterException(parameter, msg.toString());
    }
    return key;
  }

  private static String prefix(String parameter) {
    return parameter.startsWith("-") ? parameter + ": " : "";
  }
}
