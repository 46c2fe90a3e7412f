package io.kubetrail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A deterministic month of a cluster's changes as the network-access report reads them: namespaces
 * (a team label, relabelled now and then), pods (about 2 KB each; kubelets updating their status
 * most of the time, controllers replacing them, people relabelling a few), three NetworkPolicies
 * per namespace (deny-all, from the same app, from a team's namespaces; rewritten now and then),
 * Endpoints of five Services per namespace moving as pods come and go, and lease renewals, which
 * the report does not read. Changes are spread evenly over {@link #DAYS} days.
 */
final class ExposureWorkload {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final int DAYS = 30;
  static final int NAMESPACES = 100;
  private static final int APPS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Random random = new Random(42);
  private final long changes;
  private final int podsPerNamespace;
  private final Duration step;

  /** Live pod names, by namespace and app. */
  private final List<List<List<String>>> pods = new ArrayList<>();

  private long seq;
  private long rv = 1000;

  ExposureWorkload(long changes, int pods) {
    this.changes = changes;
    this.podsPerNamespace = Math.max(1, pods / NAMESPACES);
    this.step = Duration.ofDays(DAYS).dividedBy(changes);
  }

  static Instant end() {
    return START.plus(Duration.ofDays(DAYS));
  }

  /** Writes every change, in time order. */
  void generate(Consumer<AuditEvent> out) {
    for (int n = 0; n < NAMESPACES; n++) {
      String ns = "ns-" + n;
      out.accept(write("", "namespaces", "", ns, namespace(ns)));
      List<List<String>> byApp = new ArrayList<>();
      for (int a = 0; a < APPS; a++) {
        byApp.add(new ArrayList<>());
      }
      pods.add(byApp);
      for (String p : new String[] {"deny-all", "same-app", "from-team"}) {
        out.accept(write("networking.k8s.io", "networkpolicies", ns, p, policy(ns, p)));
      }
      for (int i = 0; i < podsPerNamespace; i++) {
        out.accept(createPod(n, i % APPS));
      }
      for (int a = 0; a < APPS; a++) {
        out.accept(endpoints(n, a));
      }
    }
    while (seq < changes) {
      out.accept(next());
    }
  }

  private AuditEvent next() {
    int n = random.nextInt(NAMESPACES);
    String ns = "ns-" + n;
    int app = random.nextInt(APPS);
    List<String> live = pods.get(n).get(app);
    int r = random.nextInt(1000);
    if (r < 450 && !live.isEmpty()) {
      String name = live.get(random.nextInt(live.size()));
      return write("", "pods", ns, name, pod(ns, name, app));
    } else if (r < 500 && !live.isEmpty()) {
      String name = live.remove(random.nextInt(live.size()));
      return event("delete", "", "pods", ns, name, null);
    } else if (r < 550) {
      return createPod(n, app);
    } else if (r < 750) {
      return endpoints(n, app);
    } else if (r < 985) {
      return write("coordination.k8s.io", "leases", "kube-node-lease", "node-" + n, lease(n));
    } else if (r < 995) {
      return write(
          "networking.k8s.io", "networkpolicies", ns, "from-team", policy(ns, "from-team"));
    } else {
      return write("", "namespaces", "", ns, namespace(ns));
    }
  }

  private AuditEvent createPod(int n, int app) {
    String ns = "ns-" + n;
    String name = "app-" + app + "-" + Long.toString(seq, 36);
    pods.get(n).get(app).add(name);
    return write("", "pods", ns, name, pod(ns, name, app));
  }

  private AuditEvent endpoints(int n, int app) {
    String ns = "ns-" + n;
    ObjectNode e = meta("v1", "Endpoints", ns, "app-" + app);
    ObjectNode subset = e.putArray("subsets").addObject();
    ArrayNode addresses = subset.putArray("addresses");
    int ip = 0;
    for (String pod : pods.get(n).get(app)) {
      ObjectNode a = addresses.addObject().put("ip", "10.244." + n + "." + ip++);
      a.put("nodeName", "node-" + (ip % 50));
      a.putObject("targetRef").put("kind", "Pod").put("namespace", ns).put("name", pod);
    }
    subset.putArray("ports").addObject().put("port", 8080);
    return write("", "endpoints", ns, "app-" + app, e);
  }

  private ObjectNode namespace(String ns) {
    ObjectNode o = meta("v1", "Namespace", "", ns);
    o.withObject("/metadata/labels")
        .put("kubernetes.io/metadata.name", ns)
        .put("team", "team-" + random.nextInt(5));
    o.putObject("status").put("phase", "Active");
    return o;
  }

  private ObjectNode policy(String ns, String name) {
    ObjectNode o = meta("networking.k8s.io/v1", "NetworkPolicy", ns, name);
    String spec =
        switch (name) {
          case "deny-all" -> "{\"podSelector\":{},\"policyTypes\":[\"Ingress\",\"Egress\"]}";
          case "same-app" ->
              "{\"podSelector\":{\"matchLabels\":{\"app\":\"app-0\"}},"
                  + "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"app-0\"}}}]}]}";
          default ->
              "{\"podSelector\":{\"matchLabels\":{\"app\":\"app-"
                  + random.nextInt(APPS)
                  + "\"}},\"ingress\":[{\"from\":[{\"namespaceSelector\":{\"matchLabels\":"
                  + "{\"team\":\"team-"
                  + random.nextInt(5)
                  + "\"}}}],\"ports\":[{\"port\":8080}]}]}";
        };
    try {
      o.set("spec", JSON.readTree(spec));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return o;
  }

  private ObjectNode lease(int n) {
    ObjectNode o = meta("coordination.k8s.io/v1", "Lease", "kube-node-lease", "node-" + n);
    o.putObject("spec")
        .put("holderIdentity", "node-" + n)
        .put("leaseDurationSeconds", 40)
        .put("renewTime", timeOf(seq).toString());
    return o;
  }

  private ObjectNode pod(String ns, String name, int app) {
    ObjectNode p = meta("v1", "Pod", ns, name);
    ObjectNode m = p.withObject("/metadata");
    m.withObject("/labels").put("app", "app-" + app).put("pod-template-hash", "7d4b9c");
    m.put("generateName", "app-" + app + "-").put("uid", Long.toHexString(random.nextLong()));
    m.putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "apps/v1")
        .put("kind", "ReplicaSet")
        .put("name", "app-" + app + "-7d4b9c")
        .put("controller", true);
    ObjectNode spec = p.putObject("spec");
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "app").put("image", "registry.example/app-" + app + ":1.4.2");
    c.putArray("ports").addObject().put("containerPort", 8080).put("protocol", "TCP");
    c.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "128Mi");
    c.putArray("volumeMounts")
        .addObject()
        .put("name", "kube-api-access")
        .put("readOnly", true)
        .put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
    spec.put("restartPolicy", "Always").put("dnsPolicy", "ClusterFirst");
    spec.put("serviceAccountName", "app-" + app).put("nodeName", "node-" + random.nextInt(50));
    ObjectNode status = p.putObject("status").put("phase", "Running");
    ArrayNode conds = status.putArray("conditions");
    for (String t : new String[] {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
      conds
          .addObject()
          .put("type", t)
          .put("status", "True")
          .put("lastTransitionTime", timeOf(seq).toString());
    }
    status.put("podIP", "10.244." + random.nextInt(255) + "." + random.nextInt(255));
    status
        .putArray("containerStatuses")
        .addObject()
        .put("name", "app")
        .put("ready", true)
        .put("restartCount", random.nextInt(3))
        .put("containerID", "containerd://" + Long.toHexString(random.nextLong()));
    return p;
  }

  private ObjectNode meta(String apiVersion, String kind, String ns, String name) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode m = o.putObject("metadata").put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    m.put("resourceVersion", Long.toString(rv++));
    m.putObject("labels");
    return o;
  }

  private Instant timeOf(long n) {
    return START.plus(step.multipliedBy(n));
  }

  private AuditEvent write(String group, String resource, String ns, String name, ObjectNode body) {
    return event("update", group, resource, ns, name, body);
  }

  private AuditEvent event(
      String verb, String group, String resource, String ns, String name, ObjectNode response) {
    Instant at = timeOf(seq++);
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "RequestResponse");
    e.put("auditID", "x-" + seq).put("stage", "ResponseComplete").put("verb", verb);
    String path = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1";
    if (!ns.isEmpty()) {
      path += "/namespaces/" + ns;
    }
    e.put("requestURI", path + "/" + resource + "/" + name);
    e.putObject("user").put("username", "system:serviceaccount:kube-system:bench");
    ObjectNode r = e.putObject("objectRef").put("resource", resource).put("name", name);
    if (!ns.isEmpty()) {
      r.put("namespace", ns);
    }
    r.put("apiGroup", group).put("apiVersion", "v1");
    e.putObject("responseStatus").put("code", 200);
    if (response != null) {
      e.set("responseObject", response);
    }
    e.put("requestReceivedTimestamp", at.minusMillis(1).toString());
    e.put("stageTimestamp", at.toString());
    try {
      return AuditEventReader.decode(JSON.writeValueAsBytes(e), DecodeLimits.defaults());
    } catch (IOException | AuditDecodeException ex) {
      throw new IllegalStateException("the workload wrote an event the decoder refuses", ex);
    }
  }
}
