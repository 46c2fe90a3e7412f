package io.kubetrail.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hand-made cluster history in an embedded store: writes as kube-apiserver logs them at
 * RequestResponse, each at a number of seconds after {@link #T0}.
 */
final class TestCluster implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String CLUSTER = "prod";

  final Path dir;
  final AuditStore store;
  private final List<StoredEvent> pending = new ArrayList<>();
  private long resourceVersion = 100;
  private long ids;

  private TestCluster(Path dir) throws IOException {
    this.dir = dir;
    this.store = LuceneAuditStore.open(dir, StoreOptions.defaults());
  }

  static TestCluster open(Path dir) throws IOException {
    return new TestCluster(dir);
  }

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  ReportSource source() throws IOException {
    flush();
    return new ReportSource(store, CLUSTER, HistoryOptions.builder().checkpoints(false).build());
  }

  void flush() throws IOException {
    if (!pending.isEmpty()) {
      store.append(Batch.of(List.copyOf(pending)));
      pending.clear();
    }
  }

  @Override
  public void close() throws IOException {
    store.close();
  }

  // ---- writes ----

  /** Creates the object; its body gets the next resourceVersion. */
  TestCluster create(long at, String user, ObjectNode body) {
    return write("create", at, user, body, 201);
  }

  TestCluster update(long at, String user, ObjectNode body) {
    return write("update", at, user, body, 200);
  }

  TestCluster write(String verb, long at, String user, ObjectNode body, int code) {
    ObjectNode b = body.deepCopy();
    b.withObject("/metadata").put("resourceVersion", Long.toString(++resourceVersion));
    String[] gr = groupResource(b);
    String ns = b.path("metadata").path("namespace").asText("");
    String name = b.path("metadata").path("name").asText();
    add(verb, at, user, gr[0], gr[1], ns, verb.equals("create") ? "" : name, b, code);
    return this;
  }

  TestCluster delete(long at, String user, String group, String resource, String ns, String name) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1").put("status", "Success");
    add("delete", at, user, group, resource, ns, name, status, 200);
    return this;
  }

  /** A write logged at Metadata, as a policy that keeps no bodies logs it. */
  TestCluster metadataOnly(
      String verb, long at, String user, String group, String resource, String ns, String name) {
    add(verb, at, user, group, resource, ns, name, null, 200);
    return this;
  }

  private void add(
      String verb,
      long at,
      String user,
      String group,
      String resource,
      String ns,
      String name,
      ObjectNode response,
      int code) {
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1");
    e.put("level", response == null ? "Metadata" : "RequestResponse");
    e.put("auditID", "id-" + (++ids)).put("stage", "ResponseComplete");
    e.put("requestURI", uri(group, resource, ns, name)).put("verb", verb);
    e.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
    e.putArray("sourceIPs").add("10.0.0.1");
    e.put("userAgent", "kubectl/v1.30");
    ObjectNode ref = e.putObject("objectRef").put("resource", resource);
    if (!ns.isEmpty()) {
      ref.put("namespace", ns);
    }
    if (!name.isEmpty()) {
      ref.put("name", name);
    }
    if (!group.isEmpty()) {
      ref.put("apiGroup", group);
    }
    ref.put("apiVersion", "v1");
    e.putObject("responseStatus").put("code", code);
    if (response != null) {
      e.set("responseObject", response);
    }
    e.put("requestReceivedTimestamp", t(at).minusMillis(5).toString());
    e.put("stageTimestamp", t(at).toString());
    AuditEvent event;
    try {
      event = AuditEventReader.decode(JSON.writeValueAsBytes(e), DecodeLimits.defaults());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
    String fallback = name.isEmpty() ? "-" : name;
    String enriched =
        response == null ? fallback : response.path("metadata").path("name").asText(fallback);
    pending.add(new StoredEvent(CLUSTER, enriched, t(at).plusSeconds(1), event));
  }

  private static String uri(String group, String resource, String ns, String name) {
    StringBuilder sb = new StringBuilder(group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1");
    if (!ns.isEmpty() && !resource.equals("namespaces")) {
      sb.append("/namespaces/").append(ns);
    }
    sb.append('/').append(resource);
    if (!name.isEmpty()) {
      sb.append('/').append(name);
    }
    return sb.toString();
  }

  private static String[] groupResource(ObjectNode body) {
    String kind = body.path("kind").asText();
    String apiVersion = body.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String resource =
        switch (kind) {
          case "Pod" -> "pods";
          case "Namespace" -> "namespaces";
          case "NetworkPolicy" -> "networkpolicies";
          case "Endpoints" -> "endpoints";
          case "ConfigMap" -> "configmaps";
          default -> throw new IllegalArgumentException("no resource for kind " + kind);
        };
    return new String[] {group, resource};
  }

  // ---- bodies ----

  static ObjectNode object(String apiVersion, String kind, String ns, String name) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode m = o.putObject("metadata").put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    m.put("uid", "uid-" + ns + "-" + name);
    m.put("creationTimestamp", "2026-01-01T00:00:00Z");
    return o;
  }

  static ObjectNode namespace(String name, Map<String, String> labels) {
    ObjectNode n = object("v1", "Namespace", "", name);
    labels.forEach(n.withObject("/metadata").putObject("labels")::put);
    return n;
  }

  static ObjectNode pod(String ns, String name, Map<String, String> labels) {
    ObjectNode p = object("v1", "Pod", ns, name);
    ObjectNode l = p.withObject("/metadata").putObject("labels");
    labels.forEach(l::put);
    ObjectNode spec = p.putObject("spec").put("serviceAccountName", "default");
    spec.putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
    return p;
  }

  static ObjectNode configMap(String ns, String name, String value) {
    ObjectNode c = object("v1", "ConfigMap", ns, name);
    c.putObject("data").put("value", value);
    return c;
  }

  /** A NetworkPolicy selecting pods by one label; {@code ingressFrom} empty denies all ingress. */
  static ObjectNode denyIngress(String apiVersion, String ns, String name, String app) {
    ObjectNode p = object(apiVersion, "NetworkPolicy", ns, name);
    ObjectNode spec = p.putObject("spec");
    spec.putObject("podSelector").putObject("matchLabels").put("app", app);
    spec.putArray("policyTypes").add("Ingress");
    return p;
  }

  /** Endpoints of a service, listing pods. */
  static ObjectNode endpoints(String ns, String service, String... pods) {
    ObjectNode e = object("v1", "Endpoints", ns, service);
    ArrayNode addresses = e.putArray("subsets").addObject().putArray("addresses");
    int i = 1;
    for (String pod : pods) {
      ObjectNode a = addresses.addObject().put("ip", "10.1.0." + i++);
      a.putObject("targetRef").put("kind", "Pod").put("namespace", ns).put("name", pod);
    }
    return e;
  }
}
