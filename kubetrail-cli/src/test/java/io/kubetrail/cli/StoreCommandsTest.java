package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest, search, verify and prune, end to end on a temporary store. */
class StoreCommandsTest {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private String store() {
    return dir.resolve("store").toString();
  }

  /**
   * One event per line: n-th event is verb[n % 3] on pods/pod-n (namespace a or b), by alice or
   * bob, received T0 + n minutes.
   */
  private static String event(int n) {
    String verb = List.of("get", "create", "delete").get(n % 3);
    String ns = n % 2 == 0 ? "a" : "b";
    String user = n % 4 == 0 ? "bob" : "alice";
    int code = verb.equals("create") ? 201 : 200;
    Instant t = T0.plusSeconds(60L * n);
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
        + "\"auditID\":\"id-"
        + n
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/"
        + ns
        + "/pods/pod-"
        + n
        + "\",\"verb\":\""
        + verb
        + "\",\"user\":{\"username\":\""
        + user
        + "\"},\"sourceIPs\":[\"10.0.0.1\"],\"userAgent\":\"kubectl\","
        + "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\""
        + ns
        + "\",\"name\":\"pod-"
        + n
        + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":"
        + code
        + "},\"requestReceivedTimestamp\":\""
        + t
        + "\",\"stageTimestamp\":\""
        + t.plusMillis(3)
        + "\"}";
  }

  private static String events(int from, int count) {
    StringBuilder text = new StringBuilder();
    for (int n = from; n < from + count; n++) {
      text.append(event(n)).append('\n');
    }
    return text.toString();
  }

  private Path log(String content) throws IOException {
    return Files.writeString(dir.resolve("audit.log"), content);
  }

  private CliRun ingest(String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "ingest";
    args[1] = "--store";
    args[2] = store();
    System.arraycopy(more, 0, args, 3, more.length);
    return CliRun.run(args);
  }

  private CliRun search(String... filters) {
    String[] args = new String[filters.length + 3];
    args[0] = "search";
    args[1] = "--store";
    args[2] = store();
    System.arraycopy(filters, 0, args, 3, filters.length);
    return CliRun.run(args);
  }

  private List<JsonNode> searchJson(String... filters) throws IOException {
    String[] args = new String[filters.length + 2];
    System.arraycopy(filters, 0, args, 0, filters.length);
    args[filters.length] = "-o";
    args[filters.length + 1] = "json";
    CliRun run = search(args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : run.out().lines().toList()) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  private static List<String> ids(List<JsonNode> events) {
    return events.stream().map(e -> e.get("auditID").asText()).toList();
  }

  // ----------------------------------------------------------------------------------- ingest

  @Test
  void ingestPrintsASummaryAndAgainStoresNothingNew() throws IOException {
    Path log = log(events(0, 12));

    CliRun first = ingest("--cluster", "prod", log.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains(
            "read 12 records from 1 source: 12 stored, 0 duplicates, 0 filtered by policy,"
                + " 0 malformed");
    assertThat(first.err())
        .contains("reading " + log)
        .containsPattern("took \\d+\\.\\d s \\([\\d,]+ records/s\\)");

    CliRun again = ingest("--cluster", "prod", log.toString());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("read 0 records").contains("1 file resumed");

    CliRun piped =
        CliRun.withStdin(events(0, 12), "ingest", "--store", store(), "--cluster", "prod", "-");
    assertThat(piped.exitCode()).as(piped.err()).isZero();
    assertThat(piped.out()).contains("read 12 records").contains("0 stored, 12 duplicates");
  }

  @Test
  void ingestResumesAfterLinesAreAppended() throws IOException {
    Path log = log(events(0, 5));
    assertThat(ingest(log.toString()).exitCode()).isZero();

    Files.writeString(log, events(5, 3), StandardOpenOption.APPEND);
    CliRun grown = ingest(log.toString());

    assertThat(grown.out()).contains("read 3 records").contains("3 stored, 0 duplicates");
    assertThat(searchJson("--limit", "0")).hasSize(8);
  }

  @Test
  void ingestReportsMalformedLinesWithFileAndLineAndExitsOne() throws IOException {
    Path log = log(event(0) + "\n{\"kind\":\n" + event(1) + "\nnot json at all\n");

    CliRun run = ingest(log.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REJECTED);
    assertThat(run.out()).contains("2 stored").contains("2 malformed");
    assertThat(run.err()).contains(log + ":2: ").contains(log + ":4: ");
    assertThat(searchJson()).hasSize(2);
  }

  @Test
  void ingestReadsADirectoryInRotationOrder() throws IOException {
    Path logs = Files.createDirectory(dir.resolve("logs"));
    Files.writeString(logs.resolve("kube-audit.log"), events(10, 2));
    Files.writeString(logs.resolve("kube-audit-2026-01-01T00-05-00.000.log"), events(0, 10));
    Files.writeString(logs.resolve("kube-audit.log.pos"), "not audit");

    CliRun run = ingest(logs.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("read 12 records from 2 sources");
    assertThat(run.err().indexOf("kube-audit-2026"))
        .isLessThan(run.err().indexOf("kube-audit.log ("));
  }

  @Test
  void ingestAppliesAPolicy() throws IOException {
    Path log = log(events(0, 9));
    Path policy =
        Files.writeString(
            dir.resolve("policy.yaml"),
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [create]\n");

    CliRun run = ingest("--policy", policy.toString(), log.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("3 stored").contains("6 filtered by policy");
  }

  @Test
  void ingestRefusesBadArguments() throws IOException {
    Path log = log(events(0, 1));

    CliRun missing = ingest(dir.resolve("nope.log").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("error: no such file or directory").contains("nope.log");

    CliRun badPolicy = ingest("--policy", dir.resolve("none.yaml").toString(), log.toString());
    assertThat(badPolicy.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badPolicy.err()).contains("--policy");

    CliRun mixed = ingest("-", log.toString());
    assertThat(mixed.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(mixed.err()).contains("standard input");

    CliRun blankCluster = ingest("--cluster", " ", log.toString());
    assertThat(blankCluster.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(blankCluster.err()).contains("--cluster");
  }

  @Test
  @SuppressWarnings("try") // the store is held open only for its lock
  void ingestIntoALockedStoreSaysSo() throws IOException {
    Path log = log(events(0, 1));
    try (AuditStore holder = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults())) {
      CliRun run = ingest(log.toString());

      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("error: ").contains("another process has this store open");
      // Searching meanwhile works: read-only opens take no lock.
      assertThat(search().exitCode()).isZero();
    }
  }

  // ----------------------------------------------------------------------------------- search

  @Test
  void searchFiltersAndOrders() throws IOException {
    ingest("--cluster", "prod", log(events(0, 24)).toString());

    assertThat(ids(searchJson("--limit", "3"))).containsExactly("id-23", "id-22", "id-21");
    assertThat(ids(searchJson("--limit", "2", "--oldest-first"))).containsExactly("id-0", "id-1");
    assertThat(searchJson("--verb", "create")).hasSize(8);
    assertThat(searchJson("--verb", "create,delete")).hasSize(16);
    assertThat(searchJson("--verb", "create", "--verb", "delete")).hasSize(16);
    assertThat(searchJson("-n", "a")).hasSize(12);
    assertThat(ids(searchJson("--name", "pod-7"))).containsExactly("id-7");
    assertThat(searchJson("--user", "bob")).hasSize(6);
    assertThat(searchJson("--code", "201")).hasSize(8);
    assertThat(searchJson("--resource", "pods")).hasSize(24);
    assertThat(searchJson("--resource", "pods.apps")).isEmpty();
    assertThat(searchJson("--group", "core")).hasSize(24);
    assertThat(searchJson("--cluster", "other")).isEmpty();
    assertThat(searchJson("--changes-only")).hasSize(16);
    assertThat(searchJson("--stage", "ResponseComplete", "--level", "Metadata")).hasSize(24);
    assertThat(
            ids(
                searchJson(
                    "--since", "2026-01-01T00:05:00Z", "--until", "2026-01-01T00:07:00.000001Z")))
        .containsExactly("id-7", "id-6", "id-5");
    assertThat(searchJson("--limit", "0")).hasSize(24);
  }

  @Test
  void searchShowsEachRequestOnceAtItsLatestStage() throws IOException {
    StringBuilder log = new StringBuilder();
    for (int n = 0; n < 6; n++) {
      String complete = event(n);
      String received =
          complete
              .replace("\"stage\":\"ResponseComplete\"", "\"stage\":\"RequestReceived\"")
              .replaceAll(",\"responseStatus\":\\{\"code\":\\d+\\}", "");
      log.append(received).append('\n').append(complete).append('\n');
    }
    ingest("--cluster", "prod", log(log.toString()).toString());

    List<JsonNode> requests = searchJson("--limit", "0");
    assertThat(ids(requests)).containsExactly("id-5", "id-4", "id-3", "id-2", "id-1", "id-0");
    assertThat(requests)
        .allSatisfy(e -> assertThat(e.get("stage").asText()).isEqualTo("ResponseComplete"));
    assertThat(ids(searchJson("--limit", "2"))).containsExactly("id-5", "id-4");
    assertThat(searchJson("--stage", "RequestReceived,ResponseComplete")).hasSize(12);
    assertThat(searchJson("--stage", "RequestReceived"))
        .allSatisfy(e -> assertThat(e.get("stage").asText()).isEqualTo("RequestReceived"));
    assertThat(search().out().lines().toList()).hasSize(7).noneMatch(l -> l.endsWith("<none>"));
    assertThat(searchJson("--exclude-failures")).hasSize(6);
  }

  @Test
  void searchFindsTheEventsAboutOneObject() throws IOException {
    ingest("--cluster", "prod", log(events(0, 6)).toString());
    assertThat(ids(searchJson("--object", "pods/b/pod-3"))).containsExactly("id-3");
    assertThat(ids(searchJson("--object", "pods/a/pod-3"))).isEmpty();
    assertThat(ids(searchJson("--object", "pods/a/pod-4", "--cluster", "prod")))
        .containsExactly("id-4");

    CliRun bad = search("--object", "pods");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--object: ").contains("RESOURCE/NAMESPACE/NAME");
  }

  @Test
  void searchJsonCarriesTheStoredFields() throws IOException {
    ingest("--cluster", "prod", log(events(0, 2)).toString());

    JsonNode newest = searchJson().get(0);

    assertThat(newest.get("cluster").asText()).isEqualTo("prod");
    assertThat(newest.get("name").asText()).isEqualTo("pod-1");
    assertThat(Instant.parse(newest.get("generated_time").asText())).isAfter(T0);
    assertThat(newest.get("verb").asText()).isEqualTo("create");
  }

  @Test
  void searchPrintsYamlDocuments() throws IOException {
    ingest(log(events(0, 3)).toString());

    CliRun run = search("-o", "yaml");

    assertThat(run.exitCode()).isZero();
    List<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(run.out()).readAll();
    assertThat(docs)
        .extracting(d -> d.get("auditID").asText())
        .containsExactly("id-2", "id-1", "id-0");
    // kubectl's style: strings unquoted where YAML allows, one document after another.
    assertThat(run.out()).contains("kind: Event").doesNotContain("kind: \"Event\"");
    assertThat(run.out()).startsWith("kind: Event").contains("\n---\n");
  }

  @Test
  void searchPrintsAKubectlStyleTable() throws IOException {
    ingest("--cluster", "prod", log(events(0, 3)).toString());

    CliRun run = search();

    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).split("\\s{2,}"))
        .containsExactly("TIME", "CLUSTER", "VERB", "RESOURCE", "NAMESPACE/NAME", "USER", "CODE");
    assertThat(lines.get(1).split("\\s{2,}"))
        .containsExactly(
            "2026-01-01T00:02:00.000Z", "prod", "delete", "pods", "a/pod-2", "alice", "200");
    int userColumn = lines.get(0).indexOf("USER");
    assertThat(lines).allSatisfy(l -> assertThat(l.charAt(userColumn - 1)).isEqualTo(' '));
  }

  @Test
  void searchSaysWhenNothingMatches() throws IOException {
    ingest(log(events(0, 3)).toString());

    CliRun run = search("--user", "nobody");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("No events found.");
  }

  @Test
  void searchRefusesBadArguments() throws IOException {
    ingest(log(events(0, 1)).toString());

    assertThat(search("--since", "yesterday").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(search("--since", "yesterday").err()).contains("'yesterday' is not a time");
    assertThat(search("--limit", "-1").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(search("--level", "Loud").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(search("-o", "xml").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(search("--resource", "pods.apps", "--group", "apps").err()).contains("--group");
  }

  @Test
  void aMissingStoreIsNamed() {
    String missing = dir.resolve("nowhere").toString();

    for (String command : List.of("search", "verify")) {
      CliRun run = CliRun.run(command, "--store", missing);
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err())
          .as(command)
          .contains(missing)
          .contains("no store here")
          .contains("--store");
    }
    CliRun prune = CliRun.run("prune", "--store", missing, "--older-than", "1d");
    assertThat(prune.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(prune.err()).contains("no store here");
    assertThat(Files.exists(Path.of(missing))).isFalse();
  }

  // --------------------------------------------------------------------------- verify, prune

  @Test
  void verifyPassesOnAnIntactStore() throws IOException {
    ingest(log(events(0, 10)).toString());

    CliRun run = CliRun.run("verify", "--store", store());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("intact").contains("10 events");
    assertThat(run.err()).containsPattern("took \\d+\\.\\d s \\([\\d,]+ events/s\\)");
  }

  @Test
  void verifyNamesTheFirstBrokenBatchAndExitsOne() throws IOException {
    ingest(log(events(0, 10)).toString());
    // Someone with access to the files removes an event, keeping the commit's own data.
    try (Directory index = FSDirectory.open(dir.resolve("store"))) {
      SegmentInfos commit = SegmentInfos.readLatestCommit(index);
      try (IndexWriter writer = new IndexWriter(index, new IndexWriterConfig())) {
        writer.deleteDocuments(new Term("auditID", "id-3"));
        writer.setLiveCommitData(commit.getUserData().entrySet());
        writer.commit();
      }
    }

    CliRun run = CliRun.run("verify", "--store", store());

    assertThat(run.exitCode()).as(run.out()).isEqualTo(ExitCodes.REJECTED);
    assertThat(run.err()).contains("batch 1");
  }

  @Test
  void pruneRemovesOldBatchesAndTheStoreStillVerifies() throws IOException {
    ingest(log(events(0, 10)).toString());
    Clock tenDaysLater = Clock.fixed(T0.plusSeconds(10 * 86400), ZoneOffset.UTC);

    CliRun keep = CliRun.at(tenDaysLater, "prune", "--store", store(), "--older-than", "30d");
    assertThat(keep.exitCode()).as(keep.err()).isZero();
    assertThat(keep.out()).contains("removed 0 events");

    CliRun prune = CliRun.at(tenDaysLater, "prune", "--store", store(), "--older-than", "7d");
    assertThat(prune.exitCode()).as(prune.err()).isZero();
    assertThat(prune.out()).contains("removed 10 events");
    assertThat(searchJson()).isEmpty();
    assertThat(CliRun.run("verify", "--store", store()).exitCode()).isZero();
  }

  @Test
  void pruneNeedsAnAge() {
    CliRun run = CliRun.run("prune", "--store", store());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--older-than");

    CliRun bad = CliRun.run("prune", "--store", store(), "--older-than", "soon");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("'soon' is not a duration");
  }

  @Test
  void serveRefusesToListenBeyondLoopbackWithoutAuth() throws IOException {
    ingest(log(events(0, 1)).toString());
    CliRun run = CliRun.run("serve", "--store", store(), "--listen", "0.0.0.0:0");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("reachable from other machines").contains("--auth");
    CliRun tls = CliRun.run("serve", "--store", store(), "--tls-cert", "x.crt");
    assertThat(tls.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tls.err()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void hashTokenPrintsATokenAndTheHashToKeep() {
    CliRun made = CliRun.run("serve", "hash-token");
    assertThat(made.exitCode()).isZero();
    assertThat(made.out())
        .containsPattern("(?m)^token: +\\S{43}$")
        .containsPattern("(?m)^tokenHash: sha256:[0-9a-f]{64}$");
    CliRun given = CliRun.run("serve", "hash-token", "--token", "test");
    assertThat(given.out())
        .isEqualTo(
            "tokenHash: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                + System.lineSeparator());
  }
}
