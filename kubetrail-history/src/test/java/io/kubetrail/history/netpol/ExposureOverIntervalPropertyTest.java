package io.kubetrail.history.netpol;

import static io.kubetrail.history.netpol.Trail.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.Replayer;
import io.kubetrail.history.StateHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The incremental walk against a naive reference on random histories: the reference rebuilds the
 * state at the interval's start and after every change in it, evaluates every pod there with {@link
 * NetworkAccess#evaluate}, and folds the answers. Histories relabel pods and namespaces, rewrite
 * and delete policies, delete whole namespaces, and move Endpoints and EndpointSlices; all their
 * randomness comes from the seed jqwik prints on failure. The walk keeps the bodies it applies
 * uncompressed ({@link Replayer#forInterval}); the reference replays as {@code stateAt} does.
 */
class ExposureOverIntervalPropertyTest {
  // Few names, so that changes keep meeting the same pods.
  private static final String[] NAMESPACES = {"a", "b"};
  private static final String[] PODS = {"p0", "p1", "p2"};
  private static final String[] ROLES = {"web", "db", "cache"};
  private static final int STEPS = 40;

  @Property(tries = 150)
  void theWalkAgreesWithEvaluatingEveryInstant(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    NetworkAccessPropertyTest.Generated specs = new NetworkAccessPropertyTest.Generated(seed);
    Path dir = Files.createTempDirectory("exposure-property");
    try (Trail trail = history(random, specs)) {
      // Long intervals, mostly: what an interval adds is the changes inside it.
      int from = random.nextInt(STEPS / 2 + 1);
      int to = from + random.nextInt(STEPS + 2 - from);
      if (random.nextBoolean()) {
        to = Math.max(to, STEPS / 2 + random.nextInt(STEPS / 2 + 2));
      }
      int end = to;
      EndpointScope scope = scope(random);
      StateHistory history = trail.history(dir);

      ExposureReport walked = NetworkAccess.overInterval(history, t(from), t(to), scope);

      List<EndpointExposure> expected = reference(trail.events(), from, to, scope);
      assertThat(walked.endpoints()).isEqualTo(expected);
      Set<String> read = NetworkAccess.resourcesRead(scope);
      assertThat(walked.evidence().changesInInterval())
          .isEqualTo(
              trail.events().stream()
                  .filter(e -> e.stageTimestamp().isAfter(t(from)))
                  .filter(e -> !e.stageTimestamp().isAfter(t(end)))
                  .filter(e -> read.contains(e.objectRef().orElseThrow().resource()))
                  .count());
    } finally {
      deleteTree(dir);
    }
  }

  private static Trail history(Random random, NetworkAccessPropertyTest.Generated specs) {
    Trail trail = new Trail();
    for (String ns : NAMESPACES) {
      if (random.nextInt(4) > 0) {
        namespace(trail, random, 0, ns);
      }
    }
    for (int second = 1; second <= STEPS; second++) {
      String ns = pick(random, NAMESPACES);
      String pod = pick(random, PODS);
      switch (random.nextInt(16)) {
        case 0, 1 ->
            trail.podAs(second, ns, pod, pick(random, "sa1", "sa2"), "role=" + pick(random, ROLES));
        case 2 ->
            trail.serviceAccount(
                second, ns, pick(random, "sa1", "sa2"), "tier=" + pick(random, "front", "back"));
        case 3 -> trail.delete(second, "", "pods", ns, pod);
        case 4, 5 -> trail.policy(second, ns, "np" + random.nextInt(3), spec(random, specs));
        case 6 ->
            trail.delete(
                second, "networking.k8s.io", "networkpolicies", ns, "np" + random.nextInt(3));
        case 7, 12 -> namespace(trail, random, second, pick(random, "a", "b", "c"));
        case 8 -> trail.delete(second, "", "namespaces", "", ns);
        case 9 -> trail.endpoints(second, ns, "svc" + random.nextInt(2), somePods(random));
        case 10 ->
            trail.slice(
                second,
                ns,
                "slice" + random.nextInt(2),
                "svc" + random.nextInt(3),
                somePods(random));
        case 13, 14 -> {
          String owner = random.nextBoolean() ? ns : "";
          trail.calico(second, owner, "c" + random.nextInt(2), calicoSpec(random, owner.isEmpty()));
        }
        case 15 ->
            trail.delete(
                second,
                "projectcalico.org",
                random.nextBoolean() ? "networkpolicies" : "globalnetworkpolicies",
                random.nextBoolean() ? ns : "",
                "c" + random.nextInt(2));
        default -> trail.delete(second, "", "endpoints", ns, "svc" + random.nextInt(2));
      }
    }
    return trail;
  }

  /** A namespace as the API server labels it, in a random team. */
  private static void namespace(Trail trail, Random random, int second, String name) {
    trail.namespace(
        second, name, "kubernetes.io/metadata.name=" + name, "team=" + pick(random, "x", "y"));
  }

  /**
   * A quarter of the time any policy at all; otherwise a policy in both directions whose rules name
   * one peer each, so that flags do not saturate and a missed evaluation shows.
   */
  private static String spec(Random random, NetworkAccessPropertyTest.Generated specs) {
    if (random.nextInt(4) == 0) {
      return specs.spec().toString();
    }
    String peer =
        switch (random.nextInt(5)) {
          case 0 ->
              "{'namespaceSelector': {'matchLabels': {'kubernetes.io/metadata.name': '"
                  + pick(random, "a", "b", "c")
                  + "'}}}";
          case 1 ->
              "{'namespaceSelector': {'matchLabels': {'team': '" + pick(random, "x", "y") + "'}}}";
          case 2 -> "{'podSelector': {'matchLabels': {'role': '" + pick(random, ROLES) + "'}}}";
          case 3 -> "{'ipBlock': {'cidr': '" + pick(random, "10.0.0.0/8", "8.8.8.0/24") + "'}}";
          default ->
              "{'namespaceSelector': {'matchExpressions': [{'key': 'team', 'operator': 'NotIn', 'values': ['y']}]}}";
        };
    String selector =
        random.nextBoolean() ? "{}" : "{'matchLabels': {'role': '" + pick(random, ROLES) + "'}}";
    return ("{'podSelector': "
            + selector
            + ", 'policyTypes': ['Ingress', 'Egress'],"
            + " 'ingress': [{'from': ["
            + peer
            + "]}], 'egress': [{'to': ["
            + peer
            + "]}]}")
        .replace('\'', '"');
  }

  /**
   * A Calico policy with one rule each way, whose peer and action vary; global ones may select
   * namespaces.
   */
  private static String calicoSpec(Random random, boolean global) {
    String peer =
        switch (random.nextInt(5)) {
          case 0 -> "{'namespaceSelector': 'team == `" + pick(random, "x", "y") + "`'}";
          case 1 -> "{'selector': 'role == `" + pick(random, ROLES) + "`'}";
          case 2 -> "{'nets': ['" + pick(random, "10.0.0.0/8", "8.8.8.0/24", "0.0.0.0/0") + "']}";
          case 3 ->
              "{'namespaceSelector': 'projectcalico.org/name == `" + pick(random, "a", "b") + "`'}";
          default -> "{}";
        };
    String action = pick(random, "Allow", "Deny", "Pass", "Log");
    String selector = random.nextBoolean() ? "all()" : "role == `" + pick(random, ROLES) + "`";
    String namespaces =
        global && random.nextBoolean() ? ", 'namespaceSelector': 'team == `x`'" : "";
    String order = random.nextBoolean() ? ", 'order': " + random.nextInt(2000) : "";
    return "{'selector': '"
        + selector
        + "'"
        + namespaces
        + order
        + ", 'types': ['Ingress', 'Egress'], 'ingress': [{'action': '"
        + action
        + "', 'source': "
        + peer
        + "}], 'egress': [{'action': '"
        + action
        + "', 'destination': "
        + peer
        + "}]}";
  }

  private static String[] somePods(Random random) {
    return Stream.of(PODS).filter(p -> random.nextBoolean()).toArray(String[]::new);
  }

  private static EndpointScope scope(Random random) {
    return switch (random.nextInt(8)) {
      case 6 ->
          EndpointScope.of("", List.of(), "", List.of())
              .withServiceAccountSelector("tier == 'front'");
      case 7 ->
          EndpointScope.of("", List.of("a"), "", List.of("sa1"))
              .withServiceAccountSelector("projectcalico.org/name == 'sa1' || tier == 'back'");
      case 0 -> EndpointScope.everything();
      case 1 -> EndpointScope.of("role == 'web'", List.of(), "", List.of());
      case 2 -> EndpointScope.of("", List.of("a"), "team == 'x'", List.of());
      case 3 -> EndpointScope.of("", List.of(), "", List.of("sa1"));
      case 4 -> EndpointScope.of("", List.of("a", "b"), "", List.of());
      default -> EndpointScope.of("role != 'db'", List.of(), "team == 'y'", List.of("sa2"));
    };
  }

  /**
   * Replays the events one by one and, at the interval's start and after each change in it,
   * evaluates the whole state from scratch; folds the answers.
   */
  private static List<EndpointExposure> reference(
      List<AuditEvent> events, int from, int to, EndpointScope scope)
      throws NetworkPolicyException {
    Replayer replayer = new Replayer();
    List<ClusterState> instants = new ArrayList<>();
    for (AuditEvent e : events) {
      if (e.stageTimestamp().isAfter(t(to))) {
        break;
      }
      if (e.stageTimestamp().isAfter(t(from)) && instants.isEmpty()) {
        instants.add(replayer.state(t(from)));
      }
      replayer.apply(e);
      if (!instants.isEmpty()) {
        instants.add(replayer.state(e.stageTimestamp()));
      }
    }
    if (instants.isEmpty()) {
      instants.add(replayer.state(t(from)));
    }
    Map<String, PodExposure> folded = new TreeMap<>();
    Map<String, String> accounts = new HashMap<>();
    Map<String, TreeSet<String>> services = new HashMap<>();
    for (ClusterState state : instants) {
      Map<String, Set<String>> servicesNow = services(state);
      for (PodExposure e : NetworkAccess.evaluate(state)) {
        JsonNode pod =
            state
                .get(io.kubetrail.history.ResourceKey.parse("pods/" + e.pod()))
                .orElseThrow()
                .body();
        String ns = e.pod().substring(0, e.pod().indexOf('/'));
        String account = pod.path("spec").path("serviceAccountName").asText("default");
        Map<String, String> nsLabels =
            state
                .get(io.kubetrail.history.ResourceKey.parse("namespaces/" + ns))
                .map(o -> labels(o.body()))
                .orElse(Map.of());
        Map<String, String> accountLabels =
            state
                .get(
                    io.kubetrail.history.ResourceKey.parse("serviceaccounts/" + ns + "/" + account))
                .map(o -> labels(o.body()))
                .orElse(Map.of());
        if (!scope.includes(ns, labels(pod), account, nsLabels, accountLabels)) {
          continue;
        }
        folded.merge(e.pod(), e, PodExposure::combine);
        accounts.put(e.pod(), account);
        services
            .computeIfAbsent(e.pod(), k -> new TreeSet<>())
            .addAll(servicesNow.getOrDefault(e.pod(), Set.of()));
      }
    }
    List<EndpointExposure> out = new ArrayList<>();
    folded.forEach(
        (id, e) -> {
          int slash = id.indexOf('/');
          out.add(
              new EndpointExposure(
                  id.substring(0, slash),
                  id.substring(slash + 1),
                  accounts.get(id),
                  e.ingressProtected(),
                  e.egressProtected(),
                  e.ingressFromInternet(),
                  e.egressToInternet(),
                  e.ingressFromOtherNamespace(),
                  e.egressToOtherNamespace(),
                  e.appliedPolicies(),
                  List.copyOf(services.get(id))));
        });
    out.sort(
        Comparator.comparing(EndpointExposure::namespace).thenComparing(EndpointExposure::name));
    return out;
  }

  /** By pod, the Services whose Endpoints or EndpointSlices point at it in this state. */
  private static Map<String, Set<String>> services(ClusterState state) {
    Map<String, Set<String>> out = new HashMap<>();
    for (LiveObject o : state.objects()) {
      String resource = o.key().type().resource();
      String ns = o.key().namespace();
      JsonNode body = o.body();
      List<JsonNode> refs = new ArrayList<>();
      String service;
      if (resource.equals("endpoints")) {
        service = ns + "/" + o.key().name();
        body.path("subsets")
            .forEach(s -> s.path("addresses").forEach(a -> refs.add(a.path("targetRef"))));
      } else if (resource.equals("endpointslices")) {
        service =
            ns
                + "/"
                + body.path("metadata").path("labels").path(Backing.SERVICE_NAME_LABEL).asText();
        body.path("endpoints").forEach(e -> refs.add(e.path("targetRef")));
      } else {
        continue;
      }
      for (JsonNode ref : refs) {
        String refNs = ref.path("namespace").asText(ns);
        out.computeIfAbsent(refNs + "/" + ref.path("name").asText(), k -> new TreeSet<>())
            .add(service);
      }
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode body) {
    Map<String, String> labels = new HashMap<>();
    body.path("metadata")
        .path("labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... from) {
    return from[random.nextInt(from.length)];
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
