package io.kubetrail.history.netpol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made pods, namespaces and NetworkPolicies for tests, as a state's live objects. */
final class Cluster {
  static final ObjectMapper JSON = new ObjectMapper();

  final List<LiveObject> objects = new ArrayList<>();

  Cluster namespace(String name, String... labels) {
    ObjectNode o = body("v1", "Namespace", "", name, labels);
    return add(ResourceKey.of("", "namespaces", "", name), o);
  }

  Cluster pod(String ns, String name, String... labels) {
    return add(ResourceKey.of("", "pods", ns, name), body("v1", "Pod", ns, name, labels));
  }

  /**
   * A policy in {@code networking.k8s.io/v1} with the given spec: JSON, with single quotes for
   * double ones so that tests read easily.
   */
  Cluster policy(String ns, String name, String spec) {
    return policy("networking.k8s.io/v1", ns, name, spec);
  }

  Cluster policy(String apiVersion, String ns, String name, String spec) {
    ObjectNode o = body(apiVersion, "NetworkPolicy", ns, name);
    o.set("spec", tree(spec.replace('\'', '"')));
    String group = apiVersion.substring(0, apiVersion.indexOf('/'));
    return add(ResourceKey.of(group, "networkpolicies", ns, name), o);
  }

  /** A Calico {@code projectcalico.org/v3} NetworkPolicy; the spec as for {@link #policy}. */
  Cluster calico(String ns, String name, String spec) {
    ObjectNode o = body("projectcalico.org/v3", "NetworkPolicy", ns, name);
    o.set("spec", calicoSpec(spec));
    return add(ResourceKey.of("projectcalico.org", "networkpolicies", ns, name), o);
  }

  /** A Calico GlobalNetworkPolicy. */
  Cluster global(String name, String spec) {
    ObjectNode o = body("projectcalico.org/v3", "GlobalNetworkPolicy", "", name);
    o.set("spec", calicoSpec(spec));
    return add(ResourceKey.of("projectcalico.org", "globalnetworkpolicies", "", name), o);
  }

  /** A Calico Tier. */
  Cluster tier(String name, String spec) {
    ObjectNode o = body("projectcalico.org/v3", "Tier", "", name);
    o.set("spec", calicoSpec(spec));
    return add(ResourceKey.of("projectcalico.org", "tiers", "", name), o);
  }

  /** JSON with single quotes for double ones, and backquotes for the single quotes of selectors. */
  private static JsonNode calicoSpec(String spec) {
    return tree(spec.replace('\'', '"').replace('`', '\''));
  }

  List<PodExposure> evaluate() throws NetworkPolicyException {
    return NetworkAccess.evaluate(objects);
  }

  /** The exposure of one pod ({@code namespace/name}). */
  PodExposure of(String pod) throws NetworkPolicyException {
    return evaluate().stream().filter(p -> p.pod().equals(pod)).findFirst().orElseThrow();
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Cluster add(ResourceKey key, ObjectNode body) {
    objects.add(
        LiveObject.of(key, Instant.EPOCH, body.toString().getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  private static ObjectNode body(
      String apiVersion, String kind, String ns, String name, String... labels) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode m = o.putObject("metadata");
    m.put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    if (labels.length > 0) {
      ObjectNode l = m.putObject("labels");
      for (String kv : labels) {
        String[] p = kv.split("=", 2);
        l.put(p[0], p[1]);
      }
    }
    return o;
  }
}
