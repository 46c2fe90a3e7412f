package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention by the cluster itself: an Index State Management (ISM) policy, {@code
 * <prefix>-retention}, that deletes each daily event index a number of days after it was created
 * (Calico's default: 91). Installed when a writer opens the store, if the cluster has the ISM
 * plugin; a cluster without it (the minimal distribution, Elasticsearch) keeps every index until
 * {@code prune} removes old batches, and the store says so in its notes.
 */
final class Retention {
  /** Calico's default retention of audit logs. */
  static final int DEFAULT_DAYS = 91;

  private static final String POLICIES = "/_plugins/_ism/policies/";
  private static final Pattern AGE = Pattern.compile("(\\d+)d");

  /** What a look at the policy found. */
  enum Probe {
    /** The plugin is there and so is the policy. */
    PRESENT,
    /** The plugin is there; the policy is not. */
    MISSING,
    /** The cluster has no ISM plugin: it knows no {@code _plugins/_ism} route. */
    NO_PLUGIN
  }

  /** Where retention stands, as a note for users; and the policy's age when the cluster deletes. */
  record Status(String note, Optional<Duration> deletesAfter) {}

  private final Cluster cluster;
  private final String policyId;

  Retention(Cluster cluster) {
    this.cluster = cluster;
    this.policyId = cluster.options.indexPrefix() + "-retention";
  }

  /**
   * What an answer to {@code GET _plugins/_ism/policies/<id>} means. A cluster without the plugin
   * answers that no handler serves the path (400 on OpenSearch, 404 or 405 elsewhere).
   *
   * @throws IllegalArgumentException for any other answer
   */
  static Probe classify(int status, String body) {
    if (status == 200) {
      return Probe.PRESENT;
    }
    if (body.contains("no handler found") || body.contains("Incorrect HTTP method")) {
      return Probe.NO_PLUGIN;
    }
    if (status == 404) {
      // "Policy not found", or the plugin's own index is not made yet.
      return Probe.MISSING;
    }
    throw new IllegalArgumentException("unexpected answer " + status + ": " + body);
  }

  /** The policy: daily event indices are deleted {@code days} after they were created. */
  static ObjectNode policy(String indexPrefix, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("retention days must be at least 1, was " + days);
    }
    ObjectNode root = Cluster.object();
    ObjectNode policy = root.putObject("policy");
    policy.put(
        "description",
        "kubetrail: deletes the audit event indices " + indexPrefix + ".* " + days + " days old");
    policy.put("default_state", "keep");
    ArrayNode states = policy.putArray("states");
    ObjectNode keep = states.addObject();
    keep.put("name", "keep");
    keep.putArray("actions");
    ObjectNode transition = keep.putArray("transitions").addObject();
    transition.put("state_name", "delete");
    transition.putObject("conditions").put("min_index_age", days + "d");
    ObjectNode delete = states.addObject();
    delete.put("name", "delete");
    delete.putArray("actions").addObject().putObject("delete");
    delete.putArray("transitions");
    ObjectNode template = policy.putArray("ism_template").addObject();
    template.putArray("index_patterns").add(indexPrefix + ".*");
    template.put("priority", 100);
    return root;
  }

  /** How long after creation the policy in {@code answer} (a GET of it) deletes an index. */
  static Optional<Duration> deletesAfter(JsonNode answer) {
    for (JsonNode state : answer.path("policy").path("states")) {
      for (JsonNode t : state.path("transitions")) {
        Matcher m = AGE.matcher(t.path("conditions").path("min_index_age").asText());
        if (t.path("state_name").asText().equals("delete") && m.matches()) {
          return Optional.of(Duration.ofDays(Long.parseLong(m.group(1))));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Installs (or updates) the policy for a writer, and puts the event indices that exist already
   * under it; {@code days} 0 installs nothing. Never fails the store's opening: what went wrong
   * becomes the note.
   */
  Status install(int days) {
    if (days == 0) {
      return new Status(
          "retention: the cluster deletes nothing (retention=off); remove old events with prune",
          Optional.empty());
    }
    try {
      Http.Response r = cluster.http.get(POLICIES + policyId);
      Probe probe = classify(r.status(), r.text());
      if (probe == Probe.NO_PLUGIN) {
        return noPlugin();
      }
      JsonNode body = policy(cluster.options.indexPrefix(), days);
      String path = POLICIES + policyId;
      if (probe == Probe.PRESENT) {
        JsonNode current = Cluster.MAPPER.readTree(r.body());
        if (deletesAfter(current).equals(Optional.of(Duration.ofDays(days)))) {
          return installed(days);
        }
        path +=
            "?if_seq_no="
                + current.path("_seq_no").asLong()
                + "&if_primary_term="
                + current.path("_primary_term").asLong();
      }
      cluster.raw("PUT", path, body);
      ObjectNode add = Cluster.object().put("policy_id", policyId);
      // Indices made before the policy: the template only catches new ones. Those already under
      // a policy are reported as failures, which is as it should be.
      cluster.http.post(
          "/_plugins/_ism/add/" + cluster.options.indexPrefix() + ".*",
          Cluster.MAPPER.writeValueAsBytes(add));
      return installed(days);
    } catch (IOException | IllegalArgumentException e) {
      return new Status(
          "retention: the ISM policy "
              + policyId
              + " could not be installed ("
              + reason(e)
              + ");"
              + " remove old events with prune",
          Optional.empty());
    }
  }

  /** Where retention stands, for a reader: as the cluster's policy says. */
  Status current() {
    try {
      Http.Response r = cluster.http.get(POLICIES + policyId);
      switch (classify(r.status(), r.text())) {
        case NO_PLUGIN:
          return noPlugin();
        case MISSING:
          return new Status(
              "retention: no ISM policy "
                  + policyId
                  + " (a writer installs it); the cluster"
                  + " deletes nothing: remove old events with prune",
              Optional.empty());
        default:
          Optional<Duration> age = deletesAfter(Cluster.MAPPER.readTree(r.body()));
          return age.map(a -> installed((int) a.toDays()))
              .orElseGet(
                  () ->
                      new Status(
                          "retention: the ISM policy "
                              + policyId
                              + " was changed by hand; kubetrail does not know what it deletes",
                          Optional.empty()));
      }
    } catch (IOException | IllegalArgumentException e) {
      return new Status(
          "retention: could not look at the ISM policy " + policyId + " (" + reason(e) + ")",
          Optional.empty());
    }
  }

  private Status installed(int days) {
    return new Status(
        "retention: the cluster deletes each daily event index "
            + days
            + " days after it was made (ISM policy "
            + policyId
            + "); verify does not count events of batches that old as missing",
        Optional.of(Duration.ofDays(days)));
  }

  private static Status noPlugin() {
    return new Status(
        "retention: the cluster has no Index State Management plugin, so it deletes nothing;"
            + " remove old events with prune --older-than "
            + DEFAULT_DAYS
            + "d",
        Optional.empty());
  }

  private static String reason(Exception e) {
    return e instanceof StoreException ? e.getMessage() : e.toString();
  }
}
