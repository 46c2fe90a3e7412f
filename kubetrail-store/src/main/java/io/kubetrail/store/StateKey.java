package io.kubetrail.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one piece of replay state: a snapshot or a checkpoint of one cluster.
 *
 * @param cluster the cluster it is of; any non-empty string
 * @param kind snapshot or checkpoint
 * @param name unique among the cluster's state of this kind: letters, digits, '.', '_' and '-',
 *     starting with a letter or digit, at most 200 characters, not ending in {@code .tmp}
 */
public record StateKey(String cluster, StateKind kind, String name) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,199}");

  public StateKey {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
    if (!isName(name)) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a state name: letters, digits, '.', '_' and '-', starting with a letter"
              + " or digit, at most 200, not ending in .tmp");
    }
  }

  /** True when {@code name} may name state. */
  public static boolean isName(String name) {
    return NAME.matcher(name).matches() && !name.endsWith(".tmp");
  }

  @Override
  public String toString() {
    return cluster + "/" + kind.folder() + "/" + name;
  }
}
