package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.collect.ObjectNames;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StateCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir Path dir;

  /** Output of one command run. */
  record Run(int code, String out, String err) {}

  /** {@code state} of the sample store's cluster {@code default}, with more arguments. */
  private Run stateOfDefault(String... more) {
    String[] args = new String[more.length + 5];
    System.arraycopy(
        new String[] {"state", "--store", dir.toString(), "--cluster", "default"}, 0, args, 0, 5);
    System.arraycopy(more, 0, args, 5, more.length);
    return run(args);
  }

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static ObjectNode object(String apiVersion, String kind, String ns, String name, long rv) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode m = o.putObject("metadata");
    m.put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    m.put("resourceVersion", Long.toString(rv));
    return o;
  }

  /** A ResponseComplete audit event as kube-apiserver writes it. */
  static AuditEvent event(
      String verb,
      String group,
      String resource,
      String ns,
      String name,
      int seconds,
      int code,
      String query,
      String user,
      JsonNode response) {
    ObjectReference ref = ObjectReference.of(group, resource, ns, name);
    String uri =
        (group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1")
            + (ns.isEmpty() || resource.equals("namespaces") ? "" : "/namespaces/" + ns)
            + "/"
            + resource
            + (name.isEmpty() ? "" : "/" + name)
            + (query.isEmpty() ? "" : "?" + query);
    Instant at = T0.plusSeconds(seconds);
    String id = verb + "-" + resource + "-" + name + "-" + seconds;
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "RequestResponse");
    e.put("auditID", id).put("stage", "ResponseComplete").put("requestURI", uri).put("verb", verb);
    e.putObject("user").put("username", user);
    ObjectNode r = e.putObject("objectRef").put("resource", resource).put("apiVersion", "v1");
    if (!ns.isEmpty()) {
      r.put("namespace", ns);
    }
    if (!name.isEmpty()) {
      r.put("name", name);
    }
    if (!group.isEmpty()) {
      r.put("apiGroup", group);
    }
    e.putObject("responseStatus").put("code", code);
    if (response != null) {
      e.set("responseObject", response);
    }
    e.put("requestReceivedTimestamp", at.toString()).put("stageTimestamp", at.toString());
    return new AuditEvent(
        Level.RequestResponse,
        id,
        Stage.ResponseComplete,
        uri,
        verb,
        Optional.of(UserInfo.of(user)),
        Optional.empty(),
        List.of("10.0.0.1"),
        "kubectl",
        Optional.of(ref),
        OptionalInt.of(code),
        response == null ? "" : response.path("metadata").path("name").asText(""),
        at,
        at,
        Map.of(),
        RawJson.of(e.toString()));
  }

  static void store(Path dir, String cluster, List<AuditEvent> events) throws IOException {
    List<StoredEvent> stored = new ArrayList<>();
    for (AuditEvent e : events) {
      stored.add(new StoredEvent(cluster, ObjectNames.of(e), e.stageTimestamp(), e));
    }
    try (AuditStore s = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      s.append(Batch.of(stored));
    }
  }

  @BeforeEach
  void fill() throws IOException {
    ObjectNode np = object("networking.k8s.io/v1", "NetworkPolicy", "app", "deny", 4);
    np.putObject("spec").putArray("policyTypes").add("Ingress");
    store(
        dir,
        "default",
        List.of(
            event(
                "create",
                "",
                "namespaces",
                "",
                "app",
                1,
                201,
                "",
                "alice",
                object("v1", "Namespace", "", "app", 1)),
            event(
                "create",
                "",
                "pods",
                "app",
                "",
                2,
                201,
                "",
                "alice",
                object("v1", "Pod", "app", "web-x1", 2)),
            event(
                "create",
                "",
                "pods",
                "app",
                "db",
                3,
                201,
                "",
                "alice",
                object("v1", "Pod", "app", "db", 3)),
            event(
                "create",
                "networking.k8s.io",
                "networkpolicies",
                "app",
                "deny",
                4,
                201,
                "",
                "alice",
                np),
            event(
                "create",
                "",
                "nodes",
                "",
                "n1",
                5,
                201,
                "",
                "kubelet",
                object("v1", "Node", "", "n1", 5)),
            event("delete", "", "pods", "app", "db", 6, 200, "", "bob", null),
            event(
                "create",
                "",
                "pods",
                "app",
                "ghost",
                7,
                201,
                "dryRun=All",
                "eve",
                object("v1", "Pod", "app", "ghost", 0))));
    store(
        dir,
        "other",
        List.of(
            event(
                "create",
                "",
                "pods",
                "x",
                "y",
                1,
                201,
                "",
                "alice",
                object("v1", "Pod", "x", "y", 1))));
  }

  @Test
  void printsTheJsonContract() throws IOException {
    Run r = stateOfDefault("--at", "2024-05-01T10:00:10Z");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out()))
        .isEqualTo(
            JSON.readTree(
                """
                {"at": "2024-05-01T10:00:10Z",
                 "objects": {
                   "namespaces": ["app"],
                   "networkpolicies": ["app/deny"],
                   "nodes": ["n1"],
                   "pods": ["app/web-x1"]}}
                """));
  }

  @Test
  void stateAtAnEarlierTimeAndFilters() throws IOException {
    Run r = stateOfDefault("--at", "2024-05-01T10:00:03Z", "--resource", "pods", "-n", "app");
    assertThat(JSON.readTree(r.out()).get("objects"))
        .isEqualTo(JSON.readTree("{\"pods\": [\"app/db\", \"app/web-x1\"]}"));
    Run np =
        stateOfDefault(
            "--at",
            "2024-05-01T10:00:10Z",
            "--resource",
            "networkpolicies.networking.k8s.io",
            "--full");
    JsonNode body = JSON.readTree(np.out()).at("/bodies/networkpolicies/app~1deny");
    assertThat(body.at("/spec/policyTypes/0").asText()).isEqualTo("Ingress");
  }

  @Test
  void otherClustersAndFormats() {
    Run r =
        run(
            "state",
            "--store",
            dir.toString(),
            "--cluster",
            "other",
            "--at",
            "2024-05-01T10:00:10Z",
            "-o",
            "table");
    assertThat(r.out()).startsWith("RESOURCE").contains("pods", "x", "y", "2024-05-01T10:00:01Z");
    Run y = stateOfDefault("--at", "2024-05-01T10:00:10Z", "-o", "yaml");
    assertThat(y.out()).contains("objects:", "- app/web-x1", "nodes:");
  }

  @Test
  void usageErrorsExitTwoWithAMessage() {
    Run none = run("state", "--store", dir.resolve("none").toString(), "--at", "1h");
    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).startsWith("error: ").contains("ingest into it first");
    Run bad = run("state", "--store", dir.toString(), "--at", "yesterday");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("is not a time");
    Run full = run("state", "--store", dir.toString(), "--at", "1h", "--full", "-o", "table");
    assertThat(full.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(stateOfDefault("--at", "1h", "--checkpoint-interval", "0").err())
        .contains("--checkpoint-interval");
  }

  @Test
  void missingResponseObjectsAreWarnedOnStandardError() throws IOException {
    store(
        dir,
        "default",
        List.of(event("update", "", "configmaps", "app", "cfg", 8, 200, "", "alice", null)));
    Run r = stateOfDefault("--at", "2024-05-01T10:00:10Z");
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .contains("warning: the audit policy must log RequestResponse for configmaps");
  }

  @Test
  void ingestBringsTheStateCheckpointsUpToDate() throws IOException {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      log.append(
              event(
                      "create",
                      "",
                      "configmaps",
                      "app",
                      "cm" + i,
                      i + 1,
                      201,
                      "",
                      "alice",
                      object("v1", "ConfigMap", "app", "cm" + i, 100 + i))
                  .json())
          .append('\n');
    }
    java.nio.file.Path file = dir.resolve("audit.log");
    java.nio.file.Files.writeString(file, log);

    Path off = dir.resolve("off");
    Run skipped = run("ingest", "--store", off.toString(), "--no-checkpoints", file.toString());
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(off.resolve("history")).doesNotExist();

    Path on = dir.resolve("on");
    Run r = run("ingest", "--store", on.toString(), "--checkpoint-interval", "10", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    try (AuditStore s = LuceneAuditStore.open(on, StoreOptions.defaults())) {
      StateHistory h =
          StateHistory.open(s, "default", HistoryOptions.builder().checkpointInterval(10).build());
      assertThat(h.stateAt(T0.plusSeconds(30)).size()).isEqualTo(25);
      assertThat(h.lastReplay().startedFrom()).startsWith("checkpoint ");
      assertThat(h.lastReplay().changesRead()).isLessThan(10);
    }

    // Nothing new stored: the checkpoints are left as they are, quietly.
    Run again =
        run("ingest", "--store", on.toString(), "--checkpoint-interval", "10", file.toString());
    assertThat(again.code()).isZero();
    assertThat(again.err()).doesNotContain("note:", "warning:");
  }

  @Test
  void aClusterWithoutEventsIsWarnedAbout() throws IOException {
    store(
        dir,
        "prod-eu",
        List.of(
            event(
                "create",
                "",
                "namespaces",
                "",
                "eu",
                1,
                201,
                "",
                "alice",
                object("v1", "Namespace", "", "eu", 1))));
    Run r =
        run(
            "state",
            "--store",
            dir.toString(),
            "--cluster",
            "prod",
            "--at",
            "2024-05-02T00:00:00Z");
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .contains(
            "warning: no events stored for cluster prod; clusters in the store: default, other, prod-eu");
    assertThat(JSON.readTree(r.out()).get("objects").size()).isZero();
    Run known =
        run(
            "state",
            "--store",
            dir.toString(),
            "--cluster",
            "prod-eu",
            "--at",
            "2024-05-02T00:00:00Z");
    assertThat(known.err()).doesNotContain("warning: no events");
  }

  @Test
  void aStoreOfOneClusterNeedsNoClusterAndOneOfSeveralNamesThem() throws IOException {
    Path fresh = dir.resolve("fresh");
    store(fresh, "demo", List.of(namespaceCreated("eu")));
    Run one = run("state", "--store", fresh.toString(), "--at", "2024-05-02T00:00:00Z");
    assertThat(one.code()).as(one.err()).isZero();
    assertThat(one.err()).doesNotContain("warning");
    assertThat(JSON.readTree(one.out()).get("objects").get("namespaces").get(0).asText())
        .isEqualTo("eu");
    Run history = run("history", "--store", fresh.toString(), "namespaces/eu");
    assertThat(history.code()).as(history.err()).isZero();
    assertThat(history.out()).contains("create");

    store(fresh, "prod", List.of(namespaceCreated("us")));
    for (String[] args :
        List.of(
            new String[] {"state", "--store", fresh.toString(), "--at", "2024-05-02T00:00:00Z"},
            new String[] {"history", "--store", fresh.toString(), "namespaces/eu"})) {
      Run several = run(args);
      assertThat(several.code()).isEqualTo(ExitCodes.USAGE);
      assertThat(several.err())
          .contains("several clusters")
          .contains("--cluster")
          .contains("demo, prod");
    }
  }

  private static AuditEvent namespaceCreated(String name) {
    return event(
        "create",
        "",
        "namespaces",
        "",
        name,
        1,
        201,
        "",
        "alice",
        object("v1", "Namespace", "", name, 1));
  }
}
