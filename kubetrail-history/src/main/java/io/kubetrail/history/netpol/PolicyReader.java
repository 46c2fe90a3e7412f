package io.kubetrail.history.netpol;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.history.LabelSelector;
import io.kubetrail.history.LabelSelector.Operator;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.CalicoPolicyReader.Tier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads pods, namespaces and NetworkPolicies from object bodies into an {@link Inventory}, checking
 * what the API server's validation would have refused, so a bad body is named rather than misread.
 * {@code networking.k8s.io/v1} and {@code extensions/v1beta1} bodies have the same shape.
 */
final class PolicyReader {
  static final ResourceType PODS = new ResourceType("", "pods");
  static final ResourceType NETWORK_POLICIES =
      new ResourceType("networking.k8s.io", "networkpolicies");

  private final String object;

  PolicyReader(String object) {
    this.object = object;
  }

  /** The pods, namespaces and policies among the objects; other objects are left out. */
  static Inventory read(Collection<LiveObject> objects) throws NetworkPolicyException {
    List<Inventory.Pod> pods = new ArrayList<>();
    Map<String, Map<String, String>> namespaces = new HashMap<>();
    List<Policy> policies = new ArrayList<>();
    List<CalicoPolicy> calico = new ArrayList<>();
    Map<String, Tier> tiers = new HashMap<>();
    for (LiveObject o : objects) {
      ResourceType type = o.key().type().canonical();
      PolicyReader r = new PolicyReader(o.key().toString());
      if (type.isNamespaces()) {
        namespaces.put(o.key().name(), r.labels(o.body().path("metadata").path("labels")));
      } else if (type.equals(PODS)) {
        Map<String, String> labels = r.labels(o.body().path("metadata").path("labels"));
        String account = PodReader.read(o).serviceAccount();
        pods.add(new Inventory.Pod(o.key().namespace(), o.key().name(), labels, account));
      } else if (type.equals(NETWORK_POLICIES)) {
        policies.add(r.policy(o.key().namespace(), o.key().name(), o.body()));
      } else if (CalicoPolicyReader.isPolicy(type)) {
        CalicoPolicyReader.policy(o).ifPresent(calico::add);
      } else if (CalicoPolicyReader.isTier(type)) {
        tiers.put(o.key().name(), CalicoPolicyReader.tier(o));
      }
    }
    return new Inventory(pods, namespaces, policies, calico, tiers);
  }

  /** An object's labels (a Namespace's, a ServiceAccount's), checked as the API server would. */
  static Map<String, String> namespaceLabels(LiveObject o) throws NetworkPolicyException {
    return new PolicyReader(o.key().toString()).labels(o.body().path("metadata").path("labels"));
  }

  /** A NetworkPolicy object, checked as the API server would have. */
  static Policy policy(LiveObject o) throws NetworkPolicyException {
    return new PolicyReader(o.key().toString())
        .policy(o.key().namespace(), o.key().name(), o.body());
  }

  private Policy policy(String namespace, String name, JsonNode body)
      throws NetworkPolicyException {
    JsonNode spec = body.path("spec");
    if (!spec.isObject()) {
      throw bad("spec", "missing or not an object");
    }
    LabelSelector podSelector =
        absent(spec.get("podSelector"))
            ? LabelSelector.everything()
            : selector("spec.podSelector", spec.get("podSelector"));
    List<Policy.Rule> ingress = rules("spec.ingress", spec.get("ingress"), "from");
    List<Policy.Rule> egress = rules("spec.egress", spec.get("egress"), "to");
    Set<String> types = policyTypes(spec.get("policyTypes"));
    // As the API server defaults them: Ingress always, Egress when there are egress rules.
    boolean defaulted = types.isEmpty();
    return new Policy(
        namespace,
        name,
        podSelector,
        defaulted || types.contains("Ingress"),
        defaulted ? !egress.isEmpty() : types.contains("Egress"),
        ingress,
        egress);
  }

  private Set<String> policyTypes(JsonNode node) throws NetworkPolicyException {
    Set<String> types = new LinkedHashSet<>();
    if (absent(node)) {
      return types;
    }
    if (!node.isArray()) {
      throw bad("spec.policyTypes", "not a list");
    }
    for (int i = 0; i < node.size(); i++) {
      String t = node.get(i).asText("");
      if (!node.get(i).isTextual() || !(t.equals("Ingress") || t.equals("Egress"))) {
        throw bad("spec.policyTypes[" + i + "]", "expected Ingress or Egress, got " + node.get(i));
      }
      types.add(t);
    }
    return types;
  }

  private List<Policy.Rule> rules(String path, JsonNode node, String peersField)
      throws NetworkPolicyException {
    List<Policy.Rule> rules = new ArrayList<>();
    if (absent(node)) {
      return rules;
    }
    if (!node.isArray()) {
      throw bad(path, "not a list");
    }
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode rule = node.get(i);
      if (!rule.isObject()) {
        throw bad(at, "not an object");
      }
      List<Policy.Peer> peers = new ArrayList<>();
      for (JsonNode peer : list(at + "." + peersField, rule.get(peersField))) {
        peers.add(peer(at + "." + peersField + "[" + peers.size() + "]", peer));
      }
      List<Policy.Port> ports = new ArrayList<>();
      for (JsonNode port : list(at + ".ports", rule.get("ports"))) {
        ports.add(port(at + ".ports[" + ports.size() + "]", port));
      }
      rules.add(new Policy.Rule(peers, ports));
    }
    return rules;
  }

  private Policy.Peer peer(String path, JsonNode node) throws NetworkPolicyException {
    if (!node.isObject()) {
      throw bad(path, "not an object");
    }
    Optional<LabelSelector> pods = optionalSelector(path + ".podSelector", node.get("podSelector"));
    Optional<LabelSelector> namespaces =
        optionalSelector(path + ".namespaceSelector", node.get("namespaceSelector"));
    JsonNode block = node.get("ipBlock");
    if (absent(block)) {
      if (pods.isEmpty() && namespaces.isEmpty()) {
        throw bad(path, "must have a podSelector, a namespaceSelector or an ipBlock");
      }
      return new Policy.Peer(pods, namespaces, Optional.empty());
    }
    if (pods.isPresent() || namespaces.isPresent()) {
      throw bad(path, "an ipBlock may not be combined with a podSelector or namespaceSelector");
    }
    return new Policy.Peer(pods, namespaces, Optional.of(ipBlock(path + ".ipBlock", block)));
  }

  private IpBlock ipBlock(String path, JsonNode node) throws NetworkPolicyException {
    if (!node.isObject()) {
      throw bad(path, "not an object");
    }
    AddressRange cidr = cidr(path + ".cidr", node.get("cidr"));
    List<AddressRange> except = new ArrayList<>();
    for (JsonNode e : list(path + ".except", node.get("except"))) {
      String at = path + ".except[" + except.size() + "]";
      AddressRange r = cidr(at, e);
      if (!cidr.contains(r)) {
        throw bad(at, "must be within the block's cidr " + node.get("cidr").asText());
      }
      except.add(r);
    }
    return new IpBlock(cidr, except);
  }

  AddressRange cidr(String path, JsonNode node) throws NetworkPolicyException {
    if (absent(node) || !node.isTextual()) {
      throw bad(path, "missing or not a string");
    }
    return AddressRange.parseCidr(node.asText())
        .orElseThrow(() -> bad(path, "not a CIDR: \"" + node.asText() + "\""));
  }

  private Policy.Port port(String path, JsonNode node) throws NetworkPolicyException {
    if (!node.isObject()) {
      throw bad(path, "not an object");
    }
    String protocol = "TCP";
    JsonNode p = node.get("protocol");
    if (!absent(p)) {
      protocol = p.asText("");
      if (!p.isTextual() || !Set.of("TCP", "UDP", "SCTP").contains(protocol)) {
        throw bad(path + ".protocol", "expected TCP, UDP or SCTP, got " + p);
      }
    }
    Optional<String> port = Optional.empty();
    JsonNode n = node.get("port");
    if (!absent(n)) {
      if (n.isIntegralNumber() && n.asLong() >= 1 && n.asLong() <= 65535) {
        port = Optional.of(n.asText());
      } else if (n.isTextual() && isPortName(n.asText())) {
        port = Optional.of(n.asText());
      } else {
        throw bad(path + ".port", "expected a port number 1-65535 or a port name, got " + n);
      }
    }
    OptionalInt end = OptionalInt.empty();
    JsonNode e = node.get("endPort");
    if (!absent(e)) {
      if (port.isEmpty() || !n.isIntegralNumber()) {
        throw bad(path + ".endPort", "needs a numeric port to start the range");
      }
      if (!e.isIntegralNumber() || e.asLong() < n.asLong() || e.asLong() > 65535) {
        throw bad(path + ".endPort", "expected a port number from " + n + " to 65535, got " + e);
      }
      end = OptionalInt.of(e.asInt());
    }
    return new Policy.Port(protocol, port, end);
  }

  /** An IANA service name, as a named container port must be: {@code http}, {@code dns-tcp}. */
  private static boolean isPortName(String s) {
    return s.matches("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?")
        && s.chars().anyMatch(c -> c >= 'a' && c <= 'z')
        && !s.contains("--");
  }

  private Optional<LabelSelector> optionalSelector(String path, JsonNode node)
      throws NetworkPolicyException {
    return absent(node) ? Optional.empty() : Optional.of(selector(path, node));
  }

  /** A LabelSelector: {@code matchLabels} and {@code matchExpressions}, all of which must hold. */
  private LabelSelector selector(String path, JsonNode node) throws NetworkPolicyException {
    if (!node.isObject()) {
      throw bad(path, "not an object");
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    labels(path + ".matchLabels", node.get("matchLabels"))
        .forEach((k, v) -> reqs.add(new LabelSelector.Requirement(k, Operator.IN, Set.of(v))));
    List<JsonNode> expressions = list(path + ".matchExpressions", node.get("matchExpressions"));
    for (int i = 0; i < expressions.size(); i++) {
      reqs.add(expression(path + ".matchExpressions[" + i + "]", expressions.get(i)));
    }
    return new LabelSelector(reqs);
  }

  private LabelSelector.Requirement expression(String path, JsonNode node)
      throws NetworkPolicyException {
    if (!node.isObject() || !node.path("key").isTextual() || node.path("key").asText().isEmpty()) {
      throw bad(path + ".key", "missing or not a string");
    }
    Operator op =
        switch (node.path("operator").asText("")) {
          case "In" -> Operator.IN;
          case "NotIn" -> Operator.NOT_IN;
          case "Exists" -> Operator.EXISTS;
          case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
          default ->
              throw bad(
                  path + ".operator",
                  "expected In, NotIn, Exists or DoesNotExist, got " + node.get("operator"));
        };
    Set<String> values = new LinkedHashSet<>();
    List<JsonNode> given = list(path + ".values", node.get("values"));
    for (int i = 0; i < given.size(); i++) {
      if (!given.get(i).isTextual()) {
        throw bad(path + ".values[" + i + "]", "not a string");
      }
      values.add(given.get(i).asText());
    }
    boolean needsValues = op == Operator.IN || op == Operator.NOT_IN;
    if (needsValues == values.isEmpty()) {
      throw bad(
          path + ".values",
          needsValues ? "must not be empty for " + op : "must be empty for " + op);
    }
    return new LabelSelector.Requirement(node.get("key").asText(), op, values);
  }

  /** A map of strings ({@code metadata.labels}, {@code matchLabels}); absent is empty. */
  private Map<String, String> labels(String path, JsonNode node) throws NetworkPolicyException {
    Map<String, String> labels = new HashMap<>();
    if (absent(node)) {
      return labels;
    }
    if (!node.isObject()) {
      throw bad(path, "not an object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw bad(path + "." + e.getKey(), "not a string: " + e.getValue());
      }
      labels.put(e.getKey(), e.getValue().asText());
    }
    return labels;
  }

  private Map<String, String> labels(JsonNode node) throws NetworkPolicyException {
    return labels("metadata.labels", node);
  }

  /** The elements of a list field; absent is empty. */
  List<JsonNode> list(String path, JsonNode node) throws NetworkPolicyException {
    List<JsonNode> out = new ArrayList<>();
    if (absent(node)) {
      return out;
    }
    if (!node.isArray()) {
      throw bad(path, "not a list");
    }
    node.forEach(out::add);
    return out;
  }

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  NetworkPolicyException bad(String path, String problem) {
    return new NetworkPolicyException(object, path, problem);
  }
}
