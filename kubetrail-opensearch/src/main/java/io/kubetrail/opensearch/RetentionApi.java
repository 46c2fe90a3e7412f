package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two ways a cluster deletes old indices by itself: OpenSearch's Index State Management (ISM)
 * plugin and Elasticsearch's Index Lifecycle Management (ILM). Each policy deletes a daily event
 * index a number of days after the index was made; what differs is where the policy lives, its
 * JSON, and how indices come under it.
 */
enum RetentionApi {
  /** OpenSearch: a policy whose {@code ism_template} catches new indices by name. */
  ISM("ISM policy", "Index State Management plugin", "/_plugins/_ism/policies/") {
    @Override
    ObjectNode policy(String indexPrefix, int days) {
      ObjectNode root = Cluster.object();
      ObjectNode policy = root.putObject("policy");
      policy.put("description", description(indexPrefix, days));
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

    @Override
    Optional<Duration> deletesAfter(JsonNode answer, String policyId) {
      for (JsonNode state : answer.path("policy").path("states")) {
        for (JsonNode t : state.path("transitions")) {
          Optional<Duration> age = days(t.path("conditions").path("min_index_age").asText());
          if (t.path("state_name").asText().equals("delete") && age.isPresent()) {
            return age;
          }
        }
      }
      return Optional.empty();
    }

    @Override
    String updatePath(String policyId, JsonNode current) {
      // The plugin refuses an update that does not name the version it replaces.
      return path(policyId)
          + "?if_seq_no="
          + current.path("_seq_no").asLong()
          + "&if_primary_term="
          + current.path("_primary_term").asLong();
    }

    @Override
    void putUnder(Cluster cluster, String policyId) throws IOException {
      // The ism_template catches only new indices. Those already under a policy are reported as
      // failures, which is as it should be.
      ObjectNode add = Cluster.object().put("policy_id", policyId);
      cluster.http.post(
          "/_plugins/_ism/add/" + cluster.options.indexPrefix() + ".*",
          Cluster.MAPPER.writeValueAsBytes(add));
    }

    @Override
    Map<String, String> templateSettings(String policyId) {
      return Map.of();
    }
  },

  /** Elasticsearch: a policy with a delete phase, named by each index's settings. */
  ILM("ILM policy", "Index Lifecycle Management (ILM)", "/_ilm/policy/") {
    @Override
    ObjectNode policy(String indexPrefix, int days) {
      ObjectNode root = Cluster.object();
      ObjectNode policy = root.putObject("policy");
      policy.putObject("_meta").put("description", description(indexPrefix, days));
      ObjectNode delete = policy.putObject("phases").putObject("delete");
      delete.put("min_age", days + "d");
      delete.putObject("actions").putObject("delete");
      return root;
    }

    @Override
    Optional<Duration> deletesAfter(JsonNode answer, String policyId) {
      // GET _ilm/policy/<id> answers {"<id>": {"version": .., "policy": {...}}}.
      JsonNode delete = answer.path(policyId).path("policy").path("phases").path("delete");
      if (!delete.path("actions").has("delete")) {
        return Optional.empty();
      }
      return days(delete.path("min_age").asText());
    }

    @Override
    String updatePath(String policyId, JsonNode current) {
      return path(policyId);
    }

    @Override
    void putUnder(Cluster cluster, String policyId) throws IOException {
      // The index template names the policy for new indices; existing ones are told here.
      ObjectNode settings = Cluster.object().put("index.lifecycle.name", policyId);
      cluster.http.put(
          "/" + cluster.options.indexPrefix() + ".*/_settings",
          Cluster.MAPPER.writeValueAsBytes(settings));
    }

    @Override
    Map<String, String> templateSettings(String policyId) {
      return Map.of("index.lifecycle.name", policyId);
    }
  };

  private static final Pattern AGE = Pattern.compile("(\\d+)d");

  private final String policyName;
  private final String feature;
  private final String route;

  RetentionApi(String policyName, String feature, String route) {
    this.policyName = policyName;
    this.feature = feature;
    this.route = route;
  }

  /** The policy: daily event indices are deleted {@code days} after they were created. */
  abstract ObjectNode policy(String indexPrefix, int days);

  /** How long after creation the policy in {@code answer} (a GET of it) deletes an index. */
  abstract Optional<Duration> deletesAfter(JsonNode answer, String policyId);

  /** Where to PUT a new version of the policy {@code current} (a GET of it). */
  abstract String updatePath(String policyId, JsonNode current);

  /** Puts the event indices that exist already under the policy, as far as the cluster lets. */
  abstract void putUnder(Cluster cluster, String policyId) throws IOException;

  /** The settings the events' index template gives new indices so the policy applies to them. */
  abstract Map<String, String> templateSettings(String policyId);

  /** Where the policy {@code policyId} is read and made. */
  String path(String policyId) {
    return route + policyId;
  }

  /** "ISM policy" or "ILM policy", for notes. */
  String policyName() {
    return policyName;
  }

  /** The cluster feature that runs the policies, for notes. */
  String feature() {
    return feature;
  }

  static String description(String indexPrefix, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("retention days must be at least 1, was " + days);
    }
    return "kubetrail: deletes the audit event indices " + indexPrefix + ".* " + days + " days old";
  }

  private static Optional<Duration> days(String age) {
    Matcher m = AGE.matcher(age);
    return m.matches()
        ? Optional.of(Duration.ofDays(Long.parseLong(m.group(1))))
        : Optional.empty();
  }
}
