package io.kubetrail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A deterministic stream of pod changes as kube-apiserver audits them at RequestResponse level:
 * creates until {@code objects} pods are live, then patches of random live pods, with one change in
 * ten deleting a pod and creating a new one. Bodies are realistic pods (labels, annotations,
 * managedFields, spec, status; about 3 KB of JSON).
 */
final class HistoryWorkload {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Random random;
  private final int objects;
  private final List<String> live = new ArrayList<>();
  private long rv = 1000;
  private long seq;

  HistoryWorkload(int objects, long seed) {
    this.objects = objects;
    this.random = new Random(seed);
  }

  /** The time of the n-th change (one every 10 ms). */
  static Instant timeOf(long n) {
    return START.plusMillis(10 * n);
  }

  /** Writes {@code changes} events to the consumer, in time order. */
  void generate(long changes, Consumer<AuditEvent> out) {
    for (long i = 0; i < changes; i++) {
      out.accept(next());
    }
  }

  AuditEvent next() {
    long n = seq++;
    Instant at = timeOf(n);
    if (live.size() < objects) {
      return create(at);
    }
    int pick = random.nextInt(live.size());
    String id = live.get(pick);
    if (random.nextInt(10) == 0) {
      live.set(pick, live.get(live.size() - 1));
      live.remove(live.size() - 1);
      return event("delete", id, at, null, 200);
    }
    return event("patch", id, at, pod(id, at), 200);
  }

  private AuditEvent create(Instant at) {
    String id =
        "ns-"
            + random.nextInt(100)
            + "/web-"
            + Long.toString(seq, 36)
            + "-"
            + random.nextInt(100_000);
    live.add(id);
    return event("create", id, at, pod(id, at), 201);
  }

  private ObjectNode pod(String id, Instant at) {
    String ns = id.substring(0, id.indexOf('/'));
    String name = id.substring(id.indexOf('/') + 1);
    ObjectNode p = JSON.createObjectNode();
    p.put("kind", "Pod").put("apiVersion", "v1");
    ObjectNode m = p.putObject("metadata");
    m.put("name", name).put("generateName", "web-").put("namespace", ns);
    m.put("uid", Long.toHexString(random.nextLong()) + "-" + Long.toHexString(random.nextLong()));
    m.put("resourceVersion", Long.toString(rv++));
    m.put("creationTimestamp", START.toString());
    m.putObject("labels")
        .put("app", "web")
        .put("pod-template-hash", "7d4b9c" + random.nextInt(1000))
        .put("version", "v" + random.nextInt(5));
    m.putObject("annotations").put("kubectl.kubernetes.io/restartedAt", at.toString());
    m.putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "apps/v1")
        .put("kind", "ReplicaSet")
        .put("name", "web-7d4b9c")
        .put("uid", "b1c2")
        .put("controller", true)
        .put("blockOwnerDeletion", true);
    ArrayNode mf = m.putArray("managedFields");
    mf.addObject()
        .put("manager", "kube-controller-manager")
        .put("operation", "Update")
        .put("apiVersion", "v1")
        .put("time", START.toString())
        .put("fieldsType", "FieldsV1")
        .putObject("fieldsV1")
        .putObject("f:metadata")
        .putObject("f:labels")
        .putObject("f:app");
    mf.addObject()
        .put("manager", "kubelet")
        .put("operation", "Update")
        .put("apiVersion", "v1")
        .put("time", at.toString())
        .put("fieldsType", "FieldsV1")
        .put("subresource", "status")
        .putObject("fieldsV1")
        .putObject("f:status")
        .putObject("f:conditions")
        .putObject("k:{\"type\":\"Ready\"}")
        .putObject("f:status");
    ObjectNode spec = p.putObject("spec");
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "web")
        .put("image", "nginx:1.2" + random.nextInt(10))
        .put("imagePullPolicy", "IfNotPresent");
    c.putArray("ports").addObject().put("containerPort", 8080).put("protocol", "TCP");
    c.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "128Mi");
    c.putArray("volumeMounts")
        .addObject()
        .put("name", "kube-api-access-x")
        .put("readOnly", true)
        .put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
    c.put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File");
    spec.put("restartPolicy", "Always")
        .put("terminationGracePeriodSeconds", 30)
        .put("dnsPolicy", "ClusterFirst");
    spec.put("serviceAccountName", "default")
        .put("serviceAccount", "default")
        .put("nodeName", "node-" + random.nextInt(50));
    spec.putObject("securityContext");
    spec.put("schedulerName", "default-scheduler");
    spec.putArray("tolerations")
        .addObject()
        .put("key", "node.kubernetes.io/not-ready")
        .put("operator", "Exists")
        .put("effect", "NoExecute")
        .put("tolerationSeconds", 300);
    ObjectNode status = p.putObject("status");
    status.put("phase", "Running");
    ArrayNode conds = status.putArray("conditions");
    for (String t : new String[] {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
      conds
          .addObject()
          .put("type", t)
          .put("status", "True")
          .putNull("lastProbeTime")
          .put("lastTransitionTime", at.toString());
    }
    status.put("hostIP", "10.0." + random.nextInt(255) + "." + random.nextInt(255));
    status.put("podIP", "10.244." + random.nextInt(255) + "." + random.nextInt(255));
    status.put("startTime", START.toString()).put("qosClass", "Burstable");
    status
        .putArray("containerStatuses")
        .addObject()
        .put("name", "web")
        .put("ready", true)
        .put("restartCount", 0)
        .put("image", "nginx:1.25")
        .put("imageID", "docker.io/library/nginx@sha256:" + Long.toHexString(random.nextLong()))
        .put("containerID", "containerd://" + Long.toHexString(random.nextLong()));
    return p;
  }

  private AuditEvent event(String verb, String id, Instant at, ObjectNode response, int code) {
    String ns = id.substring(0, id.indexOf('/'));
    String name = id.substring(id.indexOf('/') + 1);
    String refName = verb.equals("create") ? "" : name;
    String uri = "/api/v1/namespaces/" + ns + "/pods" + (refName.isEmpty() ? "" : "/" + refName);
    String auditID = "bench-" + seq;
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "RequestResponse");
    e.put("auditID", auditID)
        .put("stage", "ResponseComplete")
        .put("requestURI", uri)
        .put("verb", verb);
    e.putObject("user").put("username", "system:serviceaccount:kube-system:replicaset-controller");
    e.putArray("sourceIPs").add("10.0.0.1");
    e.put("userAgent", "kube-controller-manager/v1.30.0");
    ObjectNode r =
        e.putObject("objectRef")
            .put("resource", "pods")
            .put("namespace", ns)
            .put("apiVersion", "v1");
    if (!refName.isEmpty()) {
      r.put("name", refName);
    }
    e.putObject("responseStatus").put("code", code);
    if (response != null) {
      e.set("responseObject", response);
    }
    e.put("requestReceivedTimestamp", at.minusMillis(2).toString())
        .put("stageTimestamp", at.toString());
    return new AuditEvent(
        Level.RequestResponse,
        auditID,
        Stage.ResponseComplete,
        uri,
        verb,
        Optional.of(UserInfo.of("system:serviceaccount:kube-system:replicaset-controller")),
        Optional.empty(),
        List.of("10.0.0.1"),
        "kube-controller-manager/v1.30.0",
        Optional.of(ObjectReference.of("", "pods", ns, refName)),
        OptionalInt.of(code),
        response == null ? "" : response.path("metadata").path("name").asText(""),
        at.minusMillis(2),
        at,
        Map.of(),
        RawJson.of(e.toString()));
  }

  static StoredEvent stored(AuditEvent e) {
    String name = e.objectRef().map(ObjectReference::name).filter(n -> !n.isEmpty()).orElse("-");
    return new StoredEvent("cluster", name, e.stageTimestamp(), e);
  }
}
