package io.kubetrail.report;

import static io.kubetrail.report.TestCluster.configMap;
import static io.kubetrail.report.TestCluster.namespace;
import static io.kubetrail.report.TestCluster.pod;
import static io.kubetrail.report.TestCluster.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceGap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangesReportTest {
  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void history() throws IOException {
    cluster = TestCluster.open(dir);
    cluster
        .create(10, "admin", namespace("shop", Map.of()))
        .create(20, "alice", pod("shop", "web", Map.of("app", "web")))
        .create(30, "alice", configMap("shop", "settings", "a"))
        .create(40, "alice", pod("shop", "old", Map.of("app", "old")))
        // The interval: (100, 200].
        .update(110, "bob", pod("shop", "web", Map.of("app", "web", "v", "2")))
        .create(120, "bob", pod("shop", "api", Map.of("app", "api")))
        .create(130, "carol", pod("shop", "tmp", Map.of()))
        .delete(140, "carol", "", "pods", "shop", "tmp")
        .delete(150, "dave", "", "pods", "shop", "old")
        // Bookkeeping only: a new resourceVersion, the same content.
        .update(160, "system:controller", configMap("shop", "settings", "a"))
        .create(210, "erin", pod("shop", "late", Map.of()));
  }

  @AfterEach
  void close() throws IOException {
    cluster.close();
  }

  private ChangesReport report(ReportSpec spec) throws IOException {
    return (ChangesReport) Reports.generate(cluster.source(), spec);
  }

  private static ReportSpec spec() {
    return ReportSpec.of(ReportType.CHANGES, t(100), t(200));
  }

  @Test
  void reportsCreatedDeletedModifiedAndTransientObjectsButNotBookkeeping() throws IOException {
    ChangesReport r = report(spec());

    assertThat(r.objects())
        .extracting(c -> c.id() + " " + c.change().id())
        .containsExactly(
            "pods/shop/api created",
            "pods/shop/old deleted",
            "pods/shop/tmp transient",
            "pods/shop/web modified");
    ObjectChange web = r.objects().get(3);
    assertThat(web.writes())
        .extracting(w -> w.user() + " " + w.verb())
        .containsExactly("bob update");
    assertThat(web.diff()).contains("+    v: \"2\"").startsWith("--- pods/shop/web@");
    ObjectChange old = r.objects().get(1);
    assertThat(old.diff()).contains("+++ /dev/null").contains("-  name: old");
    assertThat(r.objects().get(2).writes())
        .extracting(w -> w.verb() + " " + w.user())
        .containsExactly("create carol", "delete carol");
    assertThat(r.evidence().warnings()).isEmpty();
    assertThat(r.evidence().startedFrom()).isEqualTo("empty cluster");
    // Four changes up to the start, six within: each read once.
    assertThat(r.evidence().eventsReplayed()).isEqualTo(4 + 6);
  }

  @Test
  void filtersByUserResourceAndNamespace() throws IOException {
    assertThat(report(spec().withUser("bob")).objects())
        .extracting(ObjectChange::id)
        .containsExactly("pods/shop/api", "pods/shop/web");
    assertThat(report(spec().withResource(ResourceType.parse("configmaps"))).objects()).isEmpty();
    assertThat(
            report(spec().withScope(EndpointScope.of("", List.of("elsewhere"), "", List.of())))
                .objects())
        .isEmpty();
    assertThat(
            report(spec().withScope(EndpointScope.of("", List.of("shop"), "", List.of())))
                .objects())
        .hasSize(4);
  }

  @Test
  void jsonHasTheDocumentedShape() throws IOException {
    JsonNode json = json(report(spec()));

    assertThat(fields(json))
        .containsExactly("reportType", "startTime", "endTime", "objects", "evidence");
    assertThat(json.get("reportType").asText()).isEqualTo("changes");
    assertThat(json.get("startTime").asText()).isEqualTo("2026-01-01T00:01:40Z");
    JsonNode api = json.get("objects").get(0);
    assertThat(fields(api))
        .containsExactly("resource", "namespace", "name", "change", "writes", "diff");
    ObjectNode expectedWrite = TestCluster.JSON.createObjectNode();
    expectedWrite
        .put("time", "2026-01-01T00:02:00Z")
        .put("verb", "create")
        .put("subresource", "")
        .put("user", "bob");
    expectedWrite.put("auditID", api.get("writes").get(0).get("auditID").asText());
    assertThat(api.get("writes")).containsExactly(expectedWrite);
    assertThat(api.get("resource").asText()).isEqualTo("pods");
    assertThat(api.get("change").asText()).isEqualTo("created");
    assertThat(fields(json.get("evidence")))
        .containsExactly("eventsReplayed", "startedFrom", "warnings");
  }

  @Test
  void warnsWhenTheHistoryStartsAfterTheReport() throws IOException {
    ChangesReport r = report(ReportSpec.of(ReportType.CHANGES, t(-1000), t(200)));

    assertThat(r.evidence().warnings())
        .singleElement()
        .asString()
        .startsWith("the stored history begins at 2026-01-01T00:00:09.995Z");
  }

  @Test
  void warnsWhenTheAuditPolicyKeptNoBodies() throws IOException {
    cluster.metadataOnly("update", 170, "mallory", "", "configmaps", "shop", "settings");

    ChangesReport r = report(spec());

    assertThat(r.evidence().warnings())
        .anyMatch(w -> w.startsWith("the audit policy must log RequestResponse for configmaps"));
  }

  @Test
  void warnsOfTheGapsCollectorsRecordedInThePeriod() throws IOException {
    cluster.flush();
    SourceGap inside =
        new SourceGap(TestCluster.CLUSTER, "file:/var/log/a.log", t(150), t(160), "cut");
    SourceGap before = new SourceGap(TestCluster.CLUSTER, "file:/b.log", t(20), t(30), "cut");
    SourceGap elsewhere = new SourceGap("other", "file:/c.log", t(150), t(160), "cut");
    for (SourceGap g : List.of(inside, before, elsewhere)) {
      cluster.store.append(Batch.of(List.of(), g.key(), g.position()));
    }

    List<String> warnings = report(spec()).evidence().warnings();
    List<String> network =
        Reports.generate(cluster.source(), ReportSpec.of(ReportType.NETWORK_ACCESS, t(100), t(200)))
            .evidence()
            .warnings();

    for (List<String> w : List.of(warnings, network)) {
      assertThat(w)
          .singleElement()
          .asString()
          .contains("events may be missing", "file:/var/log/a.log", t(150).toString(), "cut");
    }
  }

  static JsonNode json(Report r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportWriter.writeJson(r, out);
    return TestCluster.JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  static List<String> fields(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
