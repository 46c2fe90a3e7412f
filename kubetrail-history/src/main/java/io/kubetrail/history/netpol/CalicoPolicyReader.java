package io.kubetrail.history.netpol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.CalicoPolicy.Action;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads Calico's NetworkPolicy, GlobalNetworkPolicy and Tier bodies ({@code projectcalico.org/v3},
 * and the same spec under {@code crd.projectcalico.org/v1}), checking what Calico's validation
 * would have refused, so that a bad body is named rather than misread.
 *
 * <p>Left out, as they never apply to a pod: GlobalNetworkPolicies with {@code doNotTrack} or
 * {@code preDNAT} (host endpoints only). Read but not followed: {@code serviceAccountSelector} (the
 * labels of ServiceAccount objects are not tracked; such a policy counts as applying to every pod
 * its selector selects).
 */
final class CalicoPolicyReader {
  static final Set<String> GROUPS = Set.of("projectcalico.org", "crd.projectcalico.org");
  static final String NETWORK_POLICIES = "networkpolicies";
  static final String GLOBAL_POLICIES = "globalnetworkpolicies";
  static final String TIERS = "tiers";

  /** Calico's order of its {@code default} tier, when no Tier object says otherwise. */
  static final double DEFAULT_TIER_ORDER = 1_000_000;

  private final PolicyReader fields;

  private CalicoPolicyReader(String object) {
    this.fields = new PolicyReader(object);
  }

  /** Whether the type is one of Calico's policies (namespaced or global). */
  static boolean isPolicy(ResourceType type) {
    return GROUPS.contains(type.group())
        && (type.resource().equals(NETWORK_POLICIES) || type.resource().equals(GLOBAL_POLICIES));
  }

  static boolean isTier(ResourceType type) {
    return GROUPS.contains(type.group()) && type.resource().equals(TIERS);
  }

  /** The policy, or empty when it never applies to a pod. */
  static Optional<CalicoPolicy> policy(LiveObject o) throws NetworkPolicyException {
    return new CalicoPolicyReader(o.key().toString()).read(o.key().namespace(), o);
  }

  /** A Tier's order and default action. */
  static Tier tier(LiveObject o) throws NetworkPolicyException {
    CalicoPolicyReader r = new CalicoPolicyReader(o.key().toString());
    JsonNode spec = o.body().path("spec");
    OptionalDouble order = r.order(spec.get("order"));
    boolean pass = false;
    JsonNode action = spec.get("defaultAction");
    if (!PolicyReader.absent(action)) {
      String a = action.asText("");
      if (!a.equals("Deny") && !a.equals("Pass")) {
        throw r.fields.bad("spec.defaultAction", "expected Deny or Pass, got " + action);
      }
      pass = a.equals("Pass");
    }
    return new Tier(o.key().name(), order, pass);
  }

  /**
   * A tier of policies.
   *
   * @param order empty sorts after every ordered tier
   * @param passAtEnd whether traffic no rule of the tier decided goes on to the next tier ({@code
   *     defaultAction: Pass}) rather than being denied
   */
  record Tier(String name, OptionalDouble order, boolean passAtEnd) {
    static Tier implicit(String name) {
      return name.equals(CalicoPolicy.DEFAULT_TIER)
          ? new Tier(name, OptionalDouble.of(DEFAULT_TIER_ORDER), false)
          : new Tier(name, OptionalDouble.empty(), false);
    }
  }

  private Optional<CalicoPolicy> read(String namespace, LiveObject o)
      throws NetworkPolicyException {
    JsonNode spec = o.body().path("spec");
    if (!spec.isObject()) {
      throw fields.bad("spec", "missing or not an object");
    }
    boolean global = o.key().type().resource().equals(GLOBAL_POLICIES);
    if (global && (spec.path("doNotTrack").asBoolean() || spec.path("preDNAT").asBoolean())) {
      return Optional.empty();
    }
    String tier = text("spec.tier", spec.get("tier")).orElse(CalicoPolicy.DEFAULT_TIER);
    CalicoSelector selector = selector("spec.selector", spec.get("selector")).orElse(all());
    Optional<CalicoSelector> namespaces = Optional.empty();
    if (global) {
      namespaces = selector("spec.namespaceSelector", spec.get("namespaceSelector"));
    }
    List<CalicoPolicy.Rule> ingress = rules("spec.ingress", spec.get("ingress"), true, global);
    List<CalicoPolicy.Rule> egress = rules("spec.egress", spec.get("egress"), false, global);
    Set<String> types = types(spec.get("types"));
    if (types.isEmpty()) {
      // Calico's defaults: Ingress unless there are only egress rules; Egress with egress rules.
      if (!ingress.isEmpty() || egress.isEmpty()) {
        types.add("Ingress");
      }
      if (!egress.isEmpty()) {
        types.add("Egress");
      }
    }
    return Optional.of(
        new CalicoPolicy(
            global ? "" : namespace,
            o.key().name(),
            tier,
            order(spec.get("order")),
            selector,
            namespaces,
            types.contains("Ingress"),
            types.contains("Egress"),
            ingress,
            egress));
  }

  private Set<String> types(JsonNode node) throws NetworkPolicyException {
    Set<String> types = new LinkedHashSet<>();
    List<JsonNode> given = fields.list("spec.types", node);
    for (int i = 0; i < given.size(); i++) {
      String t = given.get(i).asText("");
      if (!t.equals("Ingress") && !t.equals("Egress")) {
        throw fields.bad(
            "spec.types[" + i + "]", "expected Ingress or Egress, got " + given.get(i));
      }
      types.add(t);
    }
    return types;
  }

  private List<CalicoPolicy.Rule> rules(String path, JsonNode node, boolean ingress, boolean global)
      throws NetworkPolicyException {
    List<CalicoPolicy.Rule> rules = new ArrayList<>();
    List<JsonNode> given = fields.list(path, node);
    for (int i = 0; i < given.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode rule = given.get(i);
      if (!rule.isObject()) {
        throw fields.bad(at, "not an object");
      }
      Action action =
          switch (rule.path("action").asText("")) {
            case "Allow" -> Action.ALLOW;
            case "Deny" -> Action.DENY;
            case "Pass" -> Action.PASS;
            case "Log" -> Action.LOG;
            default ->
                throw fields.bad(
                    at + ".action", "expected Allow, Deny, Pass or Log, got " + rule.get("action"));
          };
      String peerField = ingress ? "source" : "destination";
      String localField = ingress ? "destination" : "source";
      CalicoPolicy.Peer peer = peer(at + "." + peerField, rule.get(peerField), global);
      JsonNode local = rule.path(localField);
      Optional<CalicoSelector> localSelector =
          selector(at + "." + localField + ".selector", local.get("selector"));
      Optional<CalicoSelector> localNot =
          selector(at + "." + localField + ".notSelector", local.get("notSelector"));
      boolean narrowed = false;
      for (String f : List.of("protocol", "notProtocol", "icmp", "notICMP", "ipVersion", "http")) {
        narrowed |= !PolicyReader.absent(rule.get(f));
      }
      for (String f : List.of("ports", "notPorts")) {
        narrowed |= !PolicyReader.absent(rule.path(peerField).get(f));
      }
      for (String f : List.of("nets", "notNets", "ports", "notPorts", "serviceAccounts")) {
        narrowed |= !PolicyReader.absent(local.get(f));
      }
      rules.add(new CalicoPolicy.Rule(action, peer, localSelector, localNot, narrowed));
    }
    return rules;
  }

  private CalicoPolicy.Peer peer(String path, JsonNode node, boolean global)
      throws NetworkPolicyException {
    if (PolicyReader.absent(node)) {
      return new CalicoPolicy.Peer(
          List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, true);
    }
    if (!node.isObject()) {
      throw fields.bad(path, "not an object");
    }
    List<AddressRange> nets = nets(path + ".nets", node.get("nets"));
    List<AddressRange> notNets = nets(path + ".notNets", node.get("notNets"));
    Optional<CalicoSelector> selector = selector(path + ".selector", node.get("selector"));
    Optional<CalicoSelector> notSelector = selector(path + ".notSelector", node.get("notSelector"));
    Optional<CalicoSelector> namespaces =
        selector(path + ".namespaceSelector", node.get("namespaceSelector"));
    boolean accounts = !PolicyReader.absent(node.get("serviceAccounts"));
    JsonNode services = node.get("services");
    boolean servicesElsewhere = false;
    if (!PolicyReader.absent(services)) {
      // A Service of another namespace than the policy's (or any, for a global policy).
      servicesElsewhere =
          global
              || !text(path + ".services.namespace", services.get("namespace"))
                  .orElse("")
                  .isEmpty();
    }
    boolean endpointsOnly =
        selector.isPresent()
            || namespaces.isPresent()
            || accounts
            || !PolicyReader.absent(services);
    boolean otherNamespaces =
        !endpointsOnly || (global && namespaces.isEmpty()) || servicesElsewhere;
    return new CalicoPolicy.Peer(
        nets, notNets, selector, notSelector, namespaces, endpointsOnly, otherNamespaces);
  }

  private List<AddressRange> nets(String path, JsonNode node) throws NetworkPolicyException {
    List<AddressRange> out = new ArrayList<>();
    List<JsonNode> given = fields.list(path, node);
    for (int i = 0; i < given.size(); i++) {
      JsonNode n = given.get(i);
      String text = n.asText("");
      // Calico takes a bare address as a /32 or /128.
      if (n.isTextual() && !text.contains("/")) {
        text = text + (text.contains(":") ? "/128" : "/32");
        out.add(fields.cidr(path + "[" + i + "]", new TextNode(text)));
      } else {
        out.add(fields.cidr(path + "[" + i + "]", n));
      }
    }
    return out;
  }

  private Optional<CalicoSelector> selector(String path, JsonNode node)
      throws NetworkPolicyException {
    Optional<String> text = text(path, node);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(CalicoSelector.parse(text.get()));
    } catch (IllegalArgumentException e) {
      throw fields.bad(path, e.getMessage());
    }
  }

  private Optional<String> text(String path, JsonNode node) throws NetworkPolicyException {
    if (PolicyReader.absent(node)) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw fields.bad(path, "not a string: " + node);
    }
    return Optional.of(node.asText());
  }

  private OptionalDouble order(JsonNode node) throws NetworkPolicyException {
    if (PolicyReader.absent(node)) {
      return OptionalDouble.empty();
    }
    if (!node.isNumber()) {
      throw fields.bad("spec.order", "not a number: " + node);
    }
    return OptionalDouble.of(node.asDouble());
  }

  private static CalicoSelector all() {
    return CalicoSelector.all();
  }
}
