package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.LiveObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Exposure on random clusters (namespaces, some missing; pods; policies with random selectors,
 * policyTypes, peers and ipBlocks), against laws that hold whatever the policies say. jqwik prints
 * the seed of any failure.
 */
class NetworkAccessPropertyTest {
  private static final String[] NAMESPACES = {"a", "b", "c"};
  private static final String[] ROLES = {"web", "db", "cache"};
  private static final String[] CIDRS = {
    "10.0.0.0/8",
    "10.1.0.0/16",
    "172.20.0.0/16",
    "192.168.1.0/24",
    "8.8.8.0/24",
    "0.0.0.0/0",
    "fd00::/8",
    "::/0"
  };

  /** A random cluster, its specs kept so policies can be rewritten through another group. */
  static final class Generated {
    final Random random;
    final List<String[]> namespaces = new ArrayList<>();
    final List<String[]> pods = new ArrayList<>();
    final List<String[]> policies = new ArrayList<>();

    Generated(long seed) {
      random = new Random(seed);
      for (String ns : NAMESPACES) {
        if (random.nextInt(5) > 0) {
          namespaces.add(
              new String[] {
                ns,
                "kubernetes.io/metadata.name=" + ns,
                "team=" + (random.nextBoolean() ? "x" : "y")
              });
        }
      }
      int podCount = random.nextInt(7);
      for (int i = 0; i < podCount; i++) {
        pods.add(
            new String[] {
              pick(NAMESPACES),
              "p" + i,
              "role=" + pick(ROLES),
              random.nextBoolean() ? "tier=t" : "x=y"
            });
      }
      int policyCount = random.nextInt(5);
      for (int i = 0; i < policyCount; i++) {
        policies.add(new String[] {pick(NAMESPACES), "np" + i, spec().toString()});
      }
    }

    String pick(String[] from) {
      return from[random.nextInt(from.length)];
    }

    Cluster cluster(String policyApiVersion) {
      Cluster c = new Cluster();
      namespaces.forEach(n -> c.namespace(n[0], n[1], n[2]));
      pods.forEach(p -> c.pod(p[0], p[1], p[2], p[3]));
      policies.forEach(p -> c.policy(policyApiVersion, p[0], p[1], p[2]));
      return c;
    }

    ObjectNode spec() {
      ObjectNode spec = Cluster.JSON.createObjectNode();
      spec.set("podSelector", selector(ROLES, "role"));
      switch (random.nextInt(4)) {
        case 0 -> {}
        case 1 -> spec.putArray("policyTypes").add("Ingress");
        case 2 -> spec.putArray("policyTypes").add("Egress");
        default -> spec.putArray("policyTypes").add("Ingress").add("Egress");
      }
      rules(spec, "ingress", "from");
      rules(spec, "egress", "to");
      return spec;
    }

    private void rules(ObjectNode spec, String field, String peersField) {
      int n = random.nextInt(4) - 1;
      if (n < 0) {
        return;
      }
      ArrayNode rules = spec.putArray(field);
      for (int i = 0; i < n; i++) {
        ObjectNode rule = rules.addObject();
        int peers = random.nextInt(4) - 1;
        if (peers >= 0) {
          ArrayNode list = rule.putArray(peersField);
          for (int j = 0; j < peers; j++) {
            list.add(peer());
          }
        }
        if (random.nextBoolean()) {
          rule.putArray("ports").addObject().put("port", 80 + random.nextInt(10));
        }
      }
    }

    private ObjectNode peer() {
      ObjectNode peer = Cluster.JSON.createObjectNode();
      switch (random.nextInt(4)) {
        case 0 -> {
          String cidr = pick(CIDRS);
          ObjectNode block = peer.putObject("ipBlock").put("cidr", cidr);
          if (cidr.equals("0.0.0.0/0") && random.nextBoolean()) {
            block.putArray("except").add("10.0.0.0/8").add("172.16.0.0/12").add("192.168.0.0/16");
          }
        }
        case 1 -> peer.set("podSelector", selector(ROLES, "role"));
        case 2 ->
            peer.set("namespaceSelector", selector(NAMESPACES, "kubernetes.io/metadata.name"));
        default -> {
          peer.set("namespaceSelector", selector(new String[] {"x", "y"}, "team"));
          peer.set("podSelector", selector(ROLES, "role"));
        }
      }
      return peer;
    }

    private ObjectNode selector(String[] values, String key) {
      ObjectNode s = Cluster.JSON.createObjectNode();
      switch (random.nextInt(4)) {
        case 0 -> {}
        case 1 -> s.putObject("matchLabels").put(key, pick(values));
        case 2 -> {
          String op = random.nextBoolean() ? "In" : "NotIn";
          s.putArray("matchExpressions")
              .addObject()
              .put("key", key)
              .put("operator", op)
              .putArray("values")
              .add(pick(values));
        }
        default ->
            s.putArray("matchExpressions")
                .addObject()
                .put("key", "tier")
                .put("operator", random.nextBoolean() ? "Exists" : "DoesNotExist");
      }
      return s;
    }
  }

  private static Map<String, PodExposure> byPod(List<PodExposure> list) {
    return list.stream().collect(Collectors.toMap(PodExposure::pod, Function.identity()));
  }

  @Property(tries = 300)
  void lawsOfExposureHoldOnRandomClusters(@ForAll long seed) throws NetworkPolicyException {
    Generated g = new Generated(seed);
    Cluster cluster = g.cluster("networking.k8s.io/v1");
    List<PodExposure> result = cluster.evaluate();
    assertThat(result).hasSize(g.pods.size());

    for (PodExposure e : result) {
      String ns = e.pod().substring(0, e.pod().indexOf('/'));
      // A policy selects pods of its own namespace only.
      assertThat(e.appliedPolicies()).allMatch(p -> p.startsWith(ns + "/"));
      // Unprotected means open every way in that direction, whatever else holds.
      if (!e.ingressProtected()) {
        assertThat(e.ingressFromInternet() && e.ingressFromOtherNamespace()).isTrue();
      }
      if (!e.egressProtected()) {
        assertThat(e.egressToInternet() && e.egressToOtherNamespace()).isTrue();
      }
      if (e.appliedPolicies().isEmpty()) {
        assertThat(e)
            .isEqualTo(new PodExposure(e.pod(), List.of(), false, false, true, true, true, true));
      }
    }

    // The same policies written through extensions/v1beta1 mean the same.
    assertThat(g.cluster("extensions/v1beta1").evaluate()).isEqualTo(result);

    // The order objects come in does not matter.
    List<LiveObject> shuffled = new ArrayList<>(cluster.objects);
    Collections.shuffle(shuffled, g.random);
    assertThat(NetworkAccess.evaluate(shuffled)).isEqualTo(result);
  }

  @Property(tries = 300)
  void aDenyAllPolicyNeverMakesAPodLessProtected(@ForAll long seed) throws NetworkPolicyException {
    Generated g = new Generated(seed);
    Map<String, PodExposure> before = byPod(g.cluster("networking.k8s.io/v1").evaluate());
    String ns = g.pick(NAMESPACES);
    Cluster denied =
        g.cluster("networking.k8s.io/v1")
            .policy(ns, "zz-deny-all", "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']}");
    Map<String, PodExposure> after = byPod(denied.evaluate());

    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String pod : before.keySet()) {
      PodExposure b = before.get(pod);
      PodExposure a = after.get(pod);
      if (!pod.startsWith(ns + "/")) {
        assertThat(a).as(pod).isEqualTo(b);
        continue;
      }
      assertThat(a.ingressProtected() && a.egressProtected()).as(pod).isTrue();
      assertThat(a.appliedPolicies()).as(pod).contains(ns + "/zz-deny-all");
      // Never more exposed than before; combining with before changes nothing exposed.
      assertThat(b.combine(a).ingressFromInternet()).isEqualTo(b.ingressFromInternet());
      assertThat(b.combine(a).egressToInternet()).isEqualTo(b.egressToInternet());
      assertThat(b.combine(a).ingressFromOtherNamespace()).isEqualTo(b.ingressFromOtherNamespace());
      assertThat(b.combine(a).egressToOtherNamespace()).isEqualTo(b.egressToOtherNamespace());
      // It adds no allowance: a pod some policy already protected is exposed exactly as before.
      if (b.ingressProtected()) {
        assertThat(a.ingressFromInternet()).isEqualTo(b.ingressFromInternet());
        assertThat(a.ingressFromOtherNamespace()).isEqualTo(b.ingressFromOtherNamespace());
      }
      if (b.egressProtected()) {
        assertThat(a.egressToInternet()).isEqualTo(b.egressToInternet());
        assertThat(a.egressToOtherNamespace()).isEqualTo(b.egressToOtherNamespace());
      }
    }
  }

  @Property(tries = 200)
  void anAllowAllPolicyOpensEveryPodItSelects(@ForAll long seed) throws NetworkPolicyException {
    Generated g = new Generated(seed);
    String ns = g.pick(NAMESPACES);
    Cluster open =
        g.cluster("networking.k8s.io/v1")
            .policy(
                ns,
                "zz-allow-all",
                "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress'],"
                    + " 'ingress': [{}], 'egress': [{}]}");
    for (PodExposure e : open.evaluate()) {
      if (e.pod().startsWith(ns + "/")) {
        assertThat(e)
            .as(e.pod())
            .isEqualTo(
                new PodExposure(e.pod(), e.appliedPolicies(), true, true, true, true, true, true));
      }
    }
  }
}
