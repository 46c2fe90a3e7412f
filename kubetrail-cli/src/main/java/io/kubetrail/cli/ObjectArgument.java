package io.kubetrail.cli;

import io.kubetrail.history.ObjectHistory;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/** An object named on the command line: RESOURCE/NAMESPACE/NAME or RESOURCE/NAME. */
final class ObjectArgument {
  private ObjectArgument() {}

  /**
   * Parses RESOURCE/NAMESPACE/NAME or RESOURCE/NAME.
   *
   * @param option how the argument was given, for messages ({@code --object}), or empty
   */
  static ResourceKey parse(String text, String option) {
    try {
      return ResourceKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(prefix(option) + e.getMessage(), e);
    }
  }

  /**
   * The object a parsed argument names. A plural without a group takes the group the store has the
   * object in, in the given clusters; in several, the user must choose. The two groups of a
   * resource served from one storage (networkpolicies in extensions and networking.k8s.io) count as
   * one, the canonical.
   */
  static ResourceKey resolveGroup(
      AuditStore store, Collection<String> clusters, ResourceKey key, String option)
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
              prefix(option)
                  + key
                  + " is ambiguous: the store has events about it in several API groups;"
                  + " name one of:");
      for (ResourceType t : types) {
        msg.append("\n  ").append(new ResourceKey(t, key.namespace(), key.name()));
      }
      throw new UsageException(msg.toString());
    }
    return key;
  }

  private static String prefix(String option) {
    return option.isEmpty() ? "" : option + ": ";
  }
}
