package io.kubetrail.store.search;

import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Which cluster a question about one cluster (state, history, a report) is about. A named cluster
 * is taken as named; without a name, a store of one cluster needs none, an empty store means the
 * cluster ingest stores under by default, and a store of several makes the caller choose.
 */
public final class Clusters {
  /** The cluster events are stored under when none is given: ingest's and collect's default. */
  public static final String DEFAULT = "default";

  private Clusters() {}

  /**
   * The cluster to use.
   *
   * @param parameter how the front end names the choice ({@code --cluster}, {@code cluster})
   * @throws BadParameterException when none is named and the store holds several, naming them
   */
  public static String pick(AuditStore store, Optional<String> named, String parameter)
      throws IOException {
    if (named.isPresent()) {
      if (named.get().isEmpty()) {
        throw new BadParameterException(parameter, parameter + " must not be empty");
      }
      return named.get();
    }
    SortedSet<String> all = store.clusters();
    if (all.isEmpty()) {
      return DEFAULT;
    }
    if (all.size() == 1) {
      return all.first();
    }
    throw new BadParameterException(
        parameter,
        "the store holds events of several clusters: name one with "
            + parameter
            + " ("
            + String.join(", ", all)
            + ")");
  }

  /**
   * As {@link #pick}, and a named cluster must be one the store holds events of.
   *
   * @throws BadParameterException for an unknown cluster, naming those the store holds
   */
  public static String pickKnown(AuditStore store, Optional<String> named, String parameter)
      throws IOException {
    String cluster = pick(store, named, parameter);
    SortedSet<String> all = store.clusters();
    if (named.isPresent() && !all.contains(cluster)) {
      throw new BadParameterException(parameter, unknown(cluster, all));
    }
    return cluster;
  }

  /** The message for a cluster the store holds no events of. */
  public static String unknown(String cluster, SortedSet<String> all) {
    return "no events stored for cluster "
        + cluster
        + (all.isEmpty()
            ? "; the store is empty"
            : "; clusters in the store: " + String.join(", ", all));
  }
}
