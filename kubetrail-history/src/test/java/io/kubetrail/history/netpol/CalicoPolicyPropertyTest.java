package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Tiers, orders, Pass, Log and the deny at a tier's end against a model that follows single
 * packets: random Calico policies (namespaced and global, in two tiers, with and without orders)
 * and Kubernetes policies, whose rules name addresses from a few overlapping CIDRs; the model sends
 * one packet from an address of each piece those CIDRs cut the public addresses into, and walks
 * Calico's order of evaluation for it. The internet flags must be true exactly when some packet is
 * allowed, and the protected flags when some policy applies in the direction.
 */
class CalicoPolicyPropertyTest {
  private static final String[] NETS = {
    "0.0.0.0/0", "8.0.0.0/8", "8.8.8.0/24", "10.0.0.0/8", "::/0", "2001:db8::/32"
  };

  /** One public address in each piece the NETS cut the public addresses into. */
  private static final String[] PACKETS = {
    "8.8.8.8/32", "8.1.1.1/32", "1.1.1.1/32", "2001:db8::1/128", "2600::1/128"
  };

  private static final String[] ACTIONS = {"Allow", "Deny", "Pass", "Log"};

  @Property(tries = 300)
  void internetFlagsAgreeWithFollowingEachPacket(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    Cluster c = new Cluster().namespace("app", "team=a").pod("app", "web", "role=web");
    List<ModelPolicy> model = new ArrayList<>();
    boolean passAtEnd = random.nextBoolean();
    c.tier("first", "{'order': 10" + (passAtEnd ? ", 'defaultAction': 'Pass'" : "") + "}");
    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
      model.add(calicoPolicy(c, random, "p" + i));
    }
    if (random.nextBoolean()) {
      model.add(kubernetesPolicy(c, random));
    }
    PodExposure e = c.of("app/web");
    assertThat(e.ingressProtected()).isEqualTo(model.stream().anyMatch(p -> p.ingress));
    assertThat(e.egressProtected()).isEqualTo(model.stream().anyMatch(p -> p.egress));
    assertThat(e.ingressFromInternet())
        .as("ingress from the internet")
        .isEqualTo(anyAllowed(model, true, passAtEnd));
    assertThat(e.egressToInternet())
        .as("egress to the internet")
        .isEqualTo(anyAllowed(model, false, passAtEnd));
  }

  /** A rule as the model reads it. */
  private record ModelRule(String action, List<String> nets, List<String> notNets, boolean pods) {
    boolean matches(AddressRange packet) {
      if (pods) {
        return false;
      }
      boolean in = nets.isEmpty() || nets.stream().anyMatch(n -> cidr(n).contains(packet));
      return in && notNets.stream().noneMatch(n -> cidr(n).contains(packet));
    }
  }

  private record ModelPolicy(
      String tier,
      double order,
      String name,
      boolean ingress,
      boolean egress,
      List<ModelRule> in,
      List<ModelRule> out) {}

  private static ModelPolicy calicoPolicy(Cluster c, Random random, String name) {
    String tier = random.nextBoolean() ? "first" : "default";
    boolean ordered = random.nextInt(3) > 0;
    double order = ordered ? random.nextInt(3) * 500 : Double.POSITIVE_INFINITY;
    List<ModelRule> in = rules(random);
    List<ModelRule> out = rules(random);
    String types;
    boolean ingress;
    boolean egress;
    switch (random.nextInt(4)) {
      case 0 -> {
        types = "";
        ingress = !in.isEmpty() || out.isEmpty();
        egress = !out.isEmpty();
      }
      case 1 -> {
        types = ", 'types': ['Ingress']";
        ingress = true;
        egress = false;
      }
      case 2 -> {
        types = ", 'types': ['Egress']";
        ingress = false;
        egress = true;
      }
      default -> {
        types = ", 'types': ['Ingress', 'Egress']";
        ingress = true;
        egress = true;
      }
    }
    String spec =
        "{'tier': '"
            + tier
            + "'"
            + (ordered ? ", 'order': " + (int) order : "")
            + types
            + ", 'ingress': "
            + json(in, "source")
            + ", 'egress': "
            + json(out, "destination")
            + "}";
    if (random.nextBoolean()) {
      c.calico("app", name, spec);
    } else {
      c.global(name, spec);
    }
    return new ModelPolicy(tier, order, name, ingress, egress, in, out);
  }

  /** An ingress-and-egress Kubernetes policy whose rules allow from ipBlocks. */
  private static ModelPolicy kubernetesPolicy(Cluster c, Random random) {
    List<ModelRule> in = new ArrayList<>();
    List<ModelRule> out = new ArrayList<>();
    for (List<ModelRule> rules : List.of(in, out)) {
      for (int i = 0, n = random.nextInt(2); i < n; i++) {
        rules.add(
            new ModelRule("Allow", List.of(NETS[random.nextInt(NETS.length)]), List.of(), false));
      }
    }
    StringBuilder spec =
        new StringBuilder("{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']");
    spec.append(", 'ingress': ").append(kubernetesRules(in, "from"));
    spec.append(", 'egress': ").append(kubernetesRules(out, "to")).append("}");
    c.policy("app", "k", spec.toString());
    return new ModelPolicy("default", 1000, "knp.default.k", true, true, in, out);
  }

  private static String kubernetesRules(List<ModelRule> rules, String field) {
    List<String> out = new ArrayList<>();
    for (ModelRule r : rules) {
      out.add("{'" + field + "': [{'ipBlock': {'cidr': '" + r.nets().get(0) + "'}}]}");
    }
    return "[" + String.join(", ", out) + "]";
  }

  private static List<ModelRule> rules(Random random) {
    List<ModelRule> rules = new ArrayList<>();
    for (int i = 0, n = random.nextInt(4); i < n; i++) {
      List<String> nets = new ArrayList<>();
      List<String> notNets = new ArrayList<>();
      int shape = random.nextInt(5);
      if (shape == 1 || shape == 3) {
        nets.add(NETS[random.nextInt(NETS.length)]);
        if (random.nextBoolean()) {
          nets.add(NETS[random.nextInt(NETS.length)]);
        }
      }
      if (shape == 2 || shape == 3) {
        notNets.add(NETS[random.nextInt(NETS.length)]);
      }
      rules.add(new ModelRule(ACTIONS[random.nextInt(ACTIONS.length)], nets, notNets, shape == 4));
    }
    return rules;
  }

  private static String json(List<ModelRule> rules, String peerField) {
    List<String> out = new ArrayList<>();
    for (ModelRule r : rules) {
      StringBuilder peer = new StringBuilder();
      if (!r.nets().isEmpty()) {
        peer.append("'nets': ").append(strings(r.nets()));
      }
      if (!r.notNets().isEmpty()) {
        peer.append(peer.length() > 0 ? ", " : "")
            .append("'notNets': ")
            .append(strings(r.notNets()));
      }
      if (r.pods()) {
        peer.append("'selector': 'role == `client`'");
      }
      out.add("{'action': '" + r.action() + "', '" + peerField + "': {" + peer + "}}");
    }
    return "[" + String.join(", ", out) + "]";
  }

  private static String strings(List<String> values) {
    List<String> q = new ArrayList<>();
    values.forEach(v -> q.add("'" + v + "'"));
    return "[" + String.join(", ", q) + "]";
  }

  /** Whether some packet from (or to) a public address gets through. */
  private static boolean anyAllowed(
      List<ModelPolicy> policies, boolean ingress, boolean passAtEnd) {
    for (String p : PACKETS) {
      if (allowed(policies, ingress, passAtEnd, cidr(p))) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowed(
      List<ModelPolicy> policies, boolean ingress, boolean passAtEnd, AddressRange packet) {
    for (String tier : List.of("first", "default")) {
      List<ModelPolicy> applying =
          policies.stream()
              .filter(p -> p.tier().equals(tier) && (ingress ? p.ingress() : p.egress()))
              .sorted(
                  Comparator.comparingDouble(ModelPolicy::order).thenComparing(ModelPolicy::name))
              .toList();
      if (applying.isEmpty()) {
        continue;
      }
      String verdict = "end";
      rules:
      for (ModelPolicy p : applying) {
        for (ModelRule r : ingress ? p.in() : p.out()) {
          if (!r.matches(packet) || r.action().equals("Log")) {
            continue;
          }
          verdict = r.action();
          break rules;
        }
      }
      switch (verdict) {
        case "Allow":
          return true;
        case "Deny":
          return false;
        case "Pass":
          continue;
        default:
          if (tier.equals("first") && passAtEnd) {
            continue;
          }
          return false;
      }
    }
    return true;
  }

  private static AddressRange cidr(String text) {
    return AddressRange.parseCidr(text).orElseThrow();
  }
}
