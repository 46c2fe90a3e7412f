package io.kubetrail.history.netpol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written audit trail of one cluster: writes and deletes of pods, namespaces, policies and
 * Endpoints, one per second from {@link #T0}, stored in an embedded store for replay.
 */
final class Trail implements Closeable {
  static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
  static final String CLUSTER = "prod";

  private final List<AuditEvent> events = new ArrayList<>();
  private final List<Instant> times = new ArrayList<>();
  private long resourceVersion = 100;
  private AuditStore store;

  static Instant t(int second) {
    return T0.plusSeconds(second);
  }

  /** The events written, in order. */
  List<AuditEvent> events() {
    return events;
  }

  /** Times at which a change was written, in order. */
  List<Instant> times() {
    return times;
  }

  Trail namespace(int second, String name, String... labels) {
    return write(second, "", "namespaces", body("v1", "Namespace", "", name, labels));
  }

  Trail serviceAccount(int second, String ns, String name, String... labels) {
    return write(second, "", "serviceaccounts", body("v1", "ServiceAccount", ns, name, labels));
  }

  Trail pod(int second, String ns, String name, String... labels) {
    return write(second, "", "pods", body("v1", "Pod", ns, name, labels));
  }

  Trail podAs(int second, String ns, String name, String serviceAccount, String... labels) {
    ObjectNode pod = body("v1", "Pod", ns, name, labels);
    pod.putObject("spec").put("serviceAccountName", serviceAccount);
    return write(second, "", "pods", pod);
  }

  /** A policy with a spec in JSON, single quotes for double ones. */
  Trail policy(int second, String ns, String name, String spec) {
    ObjectNode p = body("networking.k8s.io/v1", "NetworkPolicy", ns, name);
    p.set("spec", Cluster.tree(spec.replace('\'', '"')));
    return write(second, "networking.k8s.io", "networkpolicies", p);
  }

  /**
   * A Calico NetworkPolicy ({@code ns} set) or GlobalNetworkPolicy; the spec as {@link #policy}.
   */
  Trail calico(int second, String ns, String name, String spec) {
    boolean global = ns.isEmpty();
    ObjectNode p =
        body("projectcalico.org/v3", global ? "GlobalNetworkPolicy" : "NetworkPolicy", ns, name);
    p.set("spec", Cluster.tree(spec.replace('\'', '"').replace('`', '\'')));
    return write(
        second, "projectcalico.org", global ? "globalnetworkpolicies" : "networkpolicies", p);
  }

  /** Endpoints of a Service, pointing at the pods (of its namespace) named. */
  Trail endpoints(int second, String ns, String service, String... pods) {
    ObjectNode e = body("v1", "Endpoints", ns, service);
    ArrayNode addresses = e.putArray("subsets").addObject().putArray("addresses");
    int ip = 1;
    for (String pod : pods) {
      ObjectNode a = addresses.addObject().put("ip", "10.1.0." + ip++);
      a.putObject("targetRef").put("kind", "Pod").put("namespace", ns).put("name", pod);
    }
    return write(second, "", "endpoints", e);
  }

  /** An EndpointSlice of a Service, pointing at the pods (of its namespace) named. */
  Trail slice(int second, String ns, String slice, String service, String... pods) {
    ObjectNode s =
        body(
            "discovery.k8s.io/v1",
            "EndpointSlice",
            ns,
            slice,
            Backing.SERVICE_NAME_LABEL + "=" + service);
    ArrayNode endpoints = s.putArray("endpoints");
    for (String pod : pods) {
      endpoints.addObject().putObject("targetRef").put("kind", "Pod").put("name", pod);
    }
    return write(second, "discovery.k8s.io", "endpointslices", s);
  }

  Trail delete(int second, String group, String resource, String ns, String name) {
    return add(second, "delete", group, resource, ns, name, null);
  }

  /** Writes a body: a create, or an update when the object was written before. */
  Trail write(int second, String group, String resource, ObjectNode body) {
    ObjectNode m = body.withObjectProperty("metadata");
    m.put("resourceVersion", Long.toString(++resourceVersion));
    String ns = m.path("namespace").asText("");
    return add(second, "update", group, resource, ns, m.path("name").asText(), body);
  }

  private Trail add(
      int second,
      String verb,
      String group,
      String resource,
      String ns,
      String name,
      ObjectNode response) {
    ObjectNode e = Cluster.JSON.createObjectNode();
    String id = "id-" + events.size();
    Instant at = t(second);
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1");
    e.put("level", "RequestResponse").put("auditID", id).put("stage", "ResponseComplete");
    String path = (group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1");
    if (!ns.isEmpty() && !resource.equals("namespaces")) {
      path += "/namespaces/" + ns;
    }
    e.put("requestURI", path + "/" + resource + "/" + name).put("verb", verb);
    e.putObject("user").put("username", "alice");
    ObjectNode r = e.putObject("objectRef").put("resource", resource).put("name", name);
    if (!ns.isEmpty()) {
      r.put("namespace", ns);
    }
    r.put("apiGroup", group).put("apiVersion", "v1");
    e.putObject("responseStatus").put("code", 200);
    if (response != null) {
      e.set("responseObject", response.deepCopy());
    }
    e.put("requestReceivedTimestamp", at.minusMillis(1).toString());
    e.put("stageTimestamp", at.toString());
    try {
      events.add(
          AuditEventReader.decode(Cluster.JSON.writeValueAsBytes(e), DecodeLimits.defaults()));
    } catch (IOException | AuditDecodeException ex) {
      throw new IllegalStateException(ex);
    }
    times.add(at);
    return this;
  }

  /** Stores the trail (once) and opens its history. */
  StateHistory history(Path dir, HistoryOptions options) throws IOException {
    if (store == null) {
      store = LuceneAuditStore.open(dir, StoreOptions.defaults());
      List<StoredEvent> stored = new ArrayList<>();
      for (AuditEvent e : events) {
        stored.add(
            new StoredEvent(CLUSTER, e.objectRef().orElseThrow().name(), e.stageTimestamp(), e));
      }
      if (!stored.isEmpty()) {
        store.append(Batch.of(stored));
      }
    }
    return StateHistory.open(store, CLUSTER, options);
  }

  StateHistory history(Path dir) throws IOException {
    return history(dir, HistoryOptions.builder().checkpoints(false).build());
  }

  @Override
  public void close() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  private static ObjectNode body(
      String apiVersion, String kind, String ns, String name, String... labels) {
    ObjectNode o = Cluster.JSON.createObjectNode();
    o.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode m = o.putObject("metadata");
    m.put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    ObjectNode l = m.putObject("labels");
    for (String kv : labels) {
      String[] p = kv.split("=", 2);
      l.put(p[0], p[1]);
    }
    return o;
  }
}
