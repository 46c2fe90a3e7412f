package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Retention by the cluster itself: a policy, {@code <prefix>-retention}, that deletes each daily
 * event index a number of days after it was created (Calico's default: 91) — an Index State
 * Management (ISM) policy on OpenSearch, an Index Lifecycle Management (ILM) policy on
 * Elasticsearch. Installed when a writer opens the store, if the cluster has the feature; a cluster
 * without it (OpenSearch's minimal distribution, Elasticsearch's integration-test one) keeps every
 * index until {@code prune} removes old batches, and the store says so in its notes.
 */
final class Retention {
  /** Calico's default retention of audit logs. */
  static final int DEFAULT_DAYS = 91;

  /** What a look at the policy found. */
  enum Probe {
    /** The feature is there and so is the policy. */
    PRESENT,
    /** The feature is there; the policy is not. */
    MISSING,
    /** The cluster lacks the feature: it knows no route to its policies. */
    NO_PLUGIN
  }

  /**
   * Where retention stands, as a note for users; the policy's age when the cluster deletes; and the
   * settings new event indices need to come under the policy.
   */
  record Status(
      String note, Optional<Duration> deletesAfter, Map<String, String> templateSettings) {
    Status(String note) {
      this(note, Optional.empty(), Map.of());
    }
  }

  private final Cluster cluster;
  private final RetentionApi api;
  private final String policyId;

  Retention(Cluster cluster, RetentionApi api) {
    this.cluster = cluster;
    this.api = api;
    this.policyId = cluster.options.indexPrefix() + "-retention";
  }

  /**
   * What an answer to a GET of the policy means. A cluster without the feature answers that no
   * handler serves the path (400 on OpenSearch and Elasticsearch, 404 or 405 elsewhere).
   *
   * @throws IllegalArgumentException for any other answer
   */
  static Probe classify(int status, String body) {
    if (status == 200) {
      return Probe.PRESENT;
    }
    if (Engine.noHandler(body)) {
      return Probe.NO_PLUGIN;
    }
    if (status == 404) {
      // "Policy not found", or the plugin's own index is not made yet.
      return Probe.MISSING;
    }
    throw new IllegalArgumentException("unexpected answer " + status + ": " + body);
  }

  /**
   * Installs (or updates) the policy for a writer, and puts the event indices that exist already
   * under it; {@code days} 0 installs nothing. Never fails the store's opening: what went wrong
   * becomes the note.
   */
  Status install(int days) {
    if (days == 0) {
      return new Status(
          "retention: the cluster deletes nothing (retention=off); remove old events with prune");
    }
    try {
      Http.Response r = cluster.http.get(api.path(policyId));
      Probe probe = classify(r.status(), r.text());
      if (probe == Probe.NO_PLUGIN) {
        return noPlugin();
      }
      JsonNode body = api.policy(cluster.options.indexPrefix(), days);
      String path = api.path(policyId);
      if (probe == Probe.PRESENT) {
        JsonNode current = Cluster.MAPPER.readTree(r.body());
        if (api.deletesAfter(current, policyId).equals(Optional.of(Duration.ofDays(days)))) {
          return installed(days);
        }
        path = api.updatePath(policyId, current);
      }
      cluster.raw("PUT", path, body);
      api.putUnder(cluster, policyId);
      return installed(days);
    } catch (IOException | IllegalArgumentException e) {
      return new Status(
          "retention: the "
              + api.policyName()
              + " "
              + policyId
              + " could not be installed ("
              + reason(e)
              + ");"
              + " remove old events with prune");
    }
  }

  /** Where retention stands, for a reader: as the cluster's policy says. */
  Status current() {
    try {
      Http.Response r = cluster.http.get(api.path(policyId));
      switch (classify(r.status(), r.text())) {
        case NO_PLUGIN:
          return noPlugin();
        case MISSING:
          return new Status(
              "retention: no "
                  + api.policyName()
                  + " "
                  + policyId
                  + " (a writer installs it); the cluster"
                  + " deletes nothing: remove old events with prune");
        default:
          Optional<Duration> age = api.deletesAfter(Cluster.MAPPER.readTree(r.body()), policyId);
          return age.map(a -> installed((int) a.toDays()))
              .orElseGet(
                  () ->
                      new Status(
                          "retention: the "
                              + api.policyName()
                              + " "
                              + policyId
                              + " was changed by hand; kubetrail does not know what it deletes"));
      }
    } catch (IOException | IllegalArgumentException e) {
      return new Status(
          "retention: could not look at the "
              + api.policyName()
              + " "
              + policyId
              + " ("
              + reason(e)
              + ")");
    }
  }

  private Status installed(int days) {
    return new Status(
        "retention: the cluster deletes each daily event index "
            + days
            + " days after it was made ("
            + api.policyName()
            + " "
            + policyId
            + "); verify does not count events of batches that old as missing",
        Optional.of(Duration.ofDays(days)),
        api.templateSettings(policyId));
  }

  private Status noPlugin() {
    return new Status(
        "retention: the cluster has no "
            + api.feature()
            + ", so it deletes nothing;"
            + " remove old events with prune --older-than "
            + DEFAULT_DAYS
            + "d");
  }

  private static String reason(Exception e) {
    return e instanceof StoreException ? e.getMessage() : e.toString();
  }
}
