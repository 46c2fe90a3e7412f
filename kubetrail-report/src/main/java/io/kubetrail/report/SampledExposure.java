package io.kubetrail.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.Replayer;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.NetworkAccess;
import io.kubetrail.history.netpol.NetworkPolicyException;
import io.kubetrail.history.netpol.PodExposure;
import io.kubetrail.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exposure over an interval from {@link NetworkAccess#evaluate} at single instants: the start, the
 * end, and after each change that can move a pod's flags (a network policy or namespace written, a
 * pod created or relabelled; not the status writes that make most pod traffic), at most {@link
 * #MAX_SAMPLES} times. A pod is in scope when it is at any of those instants.
 */
final class SampledExposure implements ExposureOverInterval {
  static final int MAX_SAMPLES = 2000;

  private final Map<String, PodExposure> exposures = new HashMap<>();
  private final Map<String, String> serviceAccounts = new HashMap<>();
  private final Map<String, Set<String>> services = new HashMap<>();

  private final Scope.Filter scope;
  private Optional<Instant> pending = Optional.empty();
  private int samples;
  private int skipped;

  SampledExposure(Scope scope) {
    this.scope = scope.filter();
  }

  @Override
  public void change(StoredEvent next, Replayer before) {
    AuditEvent e = next.event();
    // Changes at one instant are one step: sample once all of them are applied.
    if (pending.isPresent() && !pending.get().equals(e.stageTimestamp())) {
      if (samples < MAX_SAMPLES) {
        sample(before.state(pending.get()));
        samples++;
      } else {
        skipped++;
      }
      pending = Optional.empty();
    }
    if (movesExposure(e)) {
      pending = Optional.of(e.stageTimestamp());
    }
  }

  @Override
  public EndpointData finish(Interval interval) {
    sample(interval.atStart);
    sample(interval.atEnd);
    if (skipped > 0) {
      interval.warn(
          "exposure was evaluated at "
              + MAX_SAMPLES
              + " instants of the interval; "
              + skipped
              + " later changes to pods, namespaces or network policies were evaluated only at"
              + " the end");
    }
    return new EndpointData(exposures, serviceAccounts, services);
  }

  private static boolean movesExposure(AuditEvent e) {
    if (e.objectRef().isEmpty()) {
      return false;
    }
    ObjectReference ref = e.objectRef().get();
    if (!ref.subresource().isEmpty()) {
      return false;
    }
    return switch (ref.resource()) {
      case "networkpolicies", "namespaces" -> true;
      case "pods" -> !e.verb().startsWith("delete");
      default -> false;
    };
  }

  private void sample(ClusterState state) {
    List<PodExposure> evaluated;
    try {
      evaluated = NetworkAccess.evaluate(relevant(state));
    } catch (NetworkPolicyException e) {
      throw new ReportException(
          "cannot evaluate network policies at " + state.at() + ": " + e.getMessage(), e);
    }
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    for (LiveObject ns : state.select(Optional.of(ResourceType.NAMESPACES), Optional.empty())) {
      namespaceLabels.put(ns.key().name(), labels(ns.body().path("metadata").path("labels")));
    }
    Map<String, ObjectNode> pods = new HashMap<>();
    for (LiveObject p : state.select(Optional.of(new ResourceType("", "pods")), Optional.empty())) {
      pods.put(p.key().namespacedName(), p.body());
    }
    Map<String, Set<String>> servicesNow = servicesByPod(state);
    for (PodExposure x : evaluated) {
      ObjectNode pod = pods.get(x.pod());
      if (pod == null) {
        continue;
      }
      String namespace = x.pod().substring(0, x.pod().indexOf('/'));
      String sa = pod.path("spec").path("serviceAccountName").asText("");
      Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
      if (!scope.includes(
          podLabels, namespace, Optional.ofNullable(namespaceLabels.get(namespace)), sa)) {
        continue;
      }
      exposures.merge(x.pod(), x, PodExposure::combine);
      serviceAccounts.put(x.pod(), sa);
      services
          .computeIfAbsent(x.pod(), k -> new TreeSet<>())
          .addAll(servicesNow.getOrDefault(x.pod(), Set.of()));
    }
  }

  /** Evaluation reads only pods, namespaces and network policies. */
  private static List<LiveObject> relevant(ClusterState state) {
    List<LiveObject> out = new ArrayList<>();
    for (LiveObject o : state.objects()) {
      String r = o.key().type().resource();
      if (r.equals("pods") || r.equals("namespaces") || r.equals("networkpolicies")) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * Services by the pods their Endpoints object lists ({@code subsets[].addresses} and {@code
   * notReadyAddresses} with a Pod {@code targetRef}): the Endpoints object has the service's name.
   */
  static Map<String, Set<String>> servicesByPod(ClusterState state) {
    Map<String, Set<String>> out = new HashMap<>();
    for (LiveObject ep :
        state.select(Optional.of(new ResourceType("", "endpoints")), Optional.empty())) {
      String service = ep.key().namespacedName();
      for (JsonNode subset : ep.body().path("subsets")) {
        for (String field : List.of("addresses", "notReadyAddresses")) {
          for (JsonNode address : subset.path(field)) {
            JsonNode ref = address.path("targetRef");
            if (ref.path("kind").asText("").equals("Pod")) {
              String ns = ref.path("namespace").asText(ep.key().namespace());
              out.computeIfAbsent(ns + "/" + ref.path("name").asText(""), k -> new TreeSet<>())
                  .add(service);
            }
          }
        }
      }
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> m = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      m.put(f.getKey(), f.getValue().asText(""));
    }
    return m;
  }
}
