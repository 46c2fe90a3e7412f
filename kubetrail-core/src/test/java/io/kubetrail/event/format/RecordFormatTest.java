package io.kubetrail.event.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordFormatTest {
  static final String EVENT =
      "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
          + "\"auditID\":\"%s\",\"stage\":\"ResponseComplete\","
          + "\"requestURI\":\"/api/v1/namespaces/a/configmaps/c\",\"verb\":\"update\","
          + "\"user\":{\"username\":\"alice\"},\"objectRef\":{\"resource\":\"configmaps\","
          + "\"namespace\":\"a\",\"name\":\"c\",\"apiVersion\":\"v1\"},"
          + "\"responseStatus\":{\"code\":200},"
          + "\"requestReceivedTimestamp\":\"2026-01-01T00:00:00.000000Z\","
          + "\"stageTimestamp\":\"2026-01-01T00:00:00.100000Z\"}";

  static final String GKE_ENTRY =
      "{\"insertId\":\"i-1\",\"labels\":{\"authorization.k8s.io/decision\":\"allow\"},"
          + "\"operation\":{\"first\":true,\"id\":\"op-1\",\"last\":true,\"producer\":\"k8s.io\"},"
          + "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
          + "\"authenticationInfo\":{\"principalEmail\":\"bob@example.com\"},"
          + "\"methodName\":\"io.k8s.apps.v1.deployments.create\","
          + "\"request\":{\"@type\":\"apps.k8s.io/v1.Deployment\",\"kind\":\"Deployment\"},"
          + "\"requestMetadata\":{\"callerIp\":\"10.0.0.1\",\"callerSuppliedUserAgent\":\"kubectl\"},"
          + "\"resourceName\":\"apps/v1/namespaces/web/deployments/front\","
          + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":%d}},"
          + "\"resource\":{\"labels\":{\"cluster_name\":\"c1\"},\"type\":\"k8s_cluster\"},"
          + "\"timestamp\":\"2026-01-01T01:00:00.123456Z\"}";

  static String aks(String log) {
    return "{\"time\":\"2026-01-01T00:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/X\","
        + "\"category\":\"kube-audit\",\"operationName\":\"Microsoft.ContainerService/"
        + "managedClusters/diagnosticLogs/Read\",\"properties\":{\"log\":"
        + log
        + ",\"stream\":\"stdout\",\"pod\":\"kube-apiserver-1\"}}";
  }

  static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static List<DecodeResult> read(RecordFormat format, String text) throws IOException {
    return read(format, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static List<DecodeResult> read(RecordFormat format, InputStream in) throws IOException {
    List<DecodeResult> out = new ArrayList<>();
    try (AuditEventReader r = format.reader(in, "export", DecodeLimits.defaults())) {
      for (Optional<DecodeResult> d = r.read(); d.isPresent(); d = r.read()) {
        out.add(d.get());
      }
    }
    return out;
  }

  static List<AuditEvent> events(List<DecodeResult> results) {
    return results.stream()
        .filter(DecodeResult.Decoded.class::isInstance)
        .map(r -> ((DecodeResult.Decoded) r).event())
        .toList();
  }

  static List<String> rejections(List<DecodeResult> results) {
    return results.stream()
        .filter(DecodeResult.Rejected.class::isInstance)
        .map(Object::toString)
        .toList();
  }

  @Test
  void gkeEntryBecomesAnEvent() throws IOException {
    List<DecodeResult> results = read(RecordFormat.GKE, GKE_ENTRY.formatted(0));
    assertThat(rejections(results)).isEmpty();
    AuditEvent e = events(results).get(0);
    assertThat(e.auditID()).isEqualTo("op-1");
    assertThat(e.verb()).isEqualTo("create");
    assertThat(e.stage()).isEqualTo(Stage.ResponseComplete);
    assertThat(e.requestURI()).isEqualTo("/apis/apps/v1/namespaces/web/deployments/front");
    assertThat(e.user().orElseThrow().username()).isEqualTo("bob@example.com");
    assertThat(e.sourceIPs()).containsExactly("10.0.0.1");
    assertThat(e.responseCode().getAsInt()).isEqualTo(201);
    ObjectReference ref = e.objectRef().orElseThrow();
    assertThat(ref.resource()).isEqualTo("deployments");
    assertThat(ref.namespace()).isEqualTo("web");
    assertThat(ref.name()).isEqualTo("front");
    assertThat(ref.apiGroup()).isEqualTo("apps");
    assertThat(e.requestReceivedTimestamp())
        .isEqualTo(Instant.parse("2026-01-01T01:00:00.123456Z"));
    assertThat(e.annotations()).containsEntry("authorization.k8s.io/decision", "allow");
    assertThat(e.json().toString()).contains("\"requestObject\":{\"kind\":\"Deployment\"}");
  }

  @Test
  void gkeErrorCodesBecomeHttpStatuses() throws IOException {
    assertThat(events(read(RecordFormat.GKE, GKE_ENTRY.formatted(7))).get(0).responseCode())
        .hasValue(403);
    assertThat(events(read(RecordFormat.GKE, GKE_ENTRY.formatted(6))).get(0).responseCode())
        .hasValue(409);
  }

  @Test
  void gkeEntryWithoutMethodIsRejectedWithItsFieldPath() throws IOException {
    String broken = GKE_ENTRY.formatted(0).replace("\"methodName\"", "\"method\"");
    assertThat(rejections(read(RecordFormat.GKE, broken + "\n" + GKE_ENTRY.formatted(0))))
        .containsExactly("export:1: protoPayload.methodName: required field is missing");
  }

  @Test
  void aksRecordsCarryTheEventAsStringOrObject() throws IOException {
    String text =
        aks(quoted(EVENT.formatted("a-1")))
            + "\n"
            + aks(EVENT.formatted("a-2"))
            + "\n{\"records\":["
            + aks(quoted(EVENT.formatted("a-3")))
            + ","
            + aks(quoted(EVENT.formatted("a-4")))
            + "]}\n";
    List<DecodeResult> results = read(RecordFormat.AKS, text);
    assertThat(rejections(results)).isEmpty();
    assertThat(events(results))
        .extracting(AuditEvent::auditID)
        .containsExactly("a-1", "a-2", "a-3", "a-4");
    // The string form is the event exactly as kube-apiserver wrote it.
    assertThat(events(results).get(0).json().toString()).isEqualTo(EVENT.formatted("a-1"));
  }

  @Test
  void aksRecordOfAnotherCategoryIsRejected() throws IOException {
    String other = aks(quoted(EVENT.formatted("x"))).replace("kube-audit", "kube-apiserver");
    assertThat(rejections(read(RecordFormat.AKS, other)))
        .singleElement()
        .asString()
        .contains("category: 'kube-apiserver' holds no audit events");
  }

  @Test
  void autoTellsEachRecordsShape() throws IOException {
    String text =
        EVENT.formatted("n-1")
            + "\n"
            + GKE_ENTRY.formatted(0)
            + "\n\n"
            + aks(quoted(EVENT.formatted("a-1")))
            + "\n{\"hello\":1}\nnot json\n";
    List<DecodeResult> results = read(RecordFormat.AUTO, text);
    assertThat(events(results))
        .extracting(AuditEvent::auditID)
        .containsExactly("n-1", "op-1", "a-1");
    // A kube-apiserver Event keeps its line as its raw JSON, as with --format audit.
    assertThat(events(results).get(0).json().toString()).isEqualTo(EVENT.formatted("n-1"));
    assertThat(rejections(results))
        .containsExactly(
            "export:5: expected one of an audit Event, a Cloud Logging entry or an Azure"
                + " diagnostic record (--format auto), got an object with fields hello",
            "export:6: not valid JSON: Unrecognized token 'not': was expecting (JSON String,"
                + " Number, Array, Object or token 'null', 'true' or 'false')");
  }

  @Test
  void aFormatRejectsRecordsOfAnotherShape() throws IOException {
    assertThat(rejections(read(RecordFormat.GKE, EVENT.formatted("n-1"))))
        .singleElement()
        .asString()
        .contains("expected a Cloud Logging entry with a protoPayload (--format gke)");
  }

  @Test
  void jsonArraysAndPrettyDocumentsAreRead() throws IOException {
    String array =
        "[\n  "
            + GKE_ENTRY.formatted(0)
            + ",\n  "
            + GKE_ENTRY.formatted(5).replace("op-1", "op-2")
            + "\n]\n";
    List<DecodeResult> results = read(RecordFormat.AUTO, array);
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("op-1", "op-2");
    assertThat(results.get(1).position().line()).isEqualTo(3);
    String pretty = "{\n  \"records\": [" + aks(quoted(EVENT.formatted("p-1"))) + "]\n}\n";
    assertThat(events(read(RecordFormat.AKS, pretty)))
        .extracting(AuditEvent::auditID)
        .containsExactly("p-1");
  }

  @Test
  void yamlDocumentsAreRead() throws IOException {
    String yaml =
        "# gcloud logging read prints YAML\ninsertId: y-1\nprotoPayload:\n"
            + "  '@type': type.googleapis.com/google.cloud.audit.AuditLog\n"
            + "  authenticationInfo: {principalEmail: carol}\n"
            + "  methodName: io.k8s.core.v1.namespaces.delete\n"
            + "  resourceName: core/v1/namespaces/old\n"
            + "timestamp: '2026-01-01T00:00:00Z'\n---\n"
            + "insertId: y-2\nprotoPayload: {'@type': type.googleapis.com/google.cloud.audit.AuditLog,"
            + " authenticationInfo: {principalEmail: carol}, methodName: io.k8s.core.v1.pods.list,"
            + " resourceName: core/v1/namespaces/a/pods}\ntimestamp: '2026-01-01T00:00:01Z'\n";
    List<DecodeResult> results = read(RecordFormat.AUTO, yaml);
    assertThat(rejections(results)).isEmpty();
    List<AuditEvent> events = events(results);
    assertThat(events).extracting(AuditEvent::auditID).containsExactly("y-1", "y-2");
    assertThat(events.get(0).objectRef().orElseThrow().name()).isEqualTo("old");
    assertThat(events.get(0).objectRef().orElseThrow().namespace()).isEmpty();
    assertThat(events.get(1).objectRef().orElseThrow().namespace()).isEqualTo("a");
    assertThat(events.get(1).requestURI()).isEqualTo("/api/v1/namespaces/a/pods");
    assertThat(results.get(1).position().line()).isEqualTo(10);
  }

  @Test
  void aLineOverTheLimitIsRejectedAndReadingGoesOn() throws IOException {
    String text =
        aks(quoted(EVENT.formatted("b".repeat(500)))) + "\n" + aks(quoted(EVENT.formatted("ok")));
    List<DecodeResult> results = new ArrayList<>();
    DecodeLimits small = DecodeLimits.builder().maxLineBytes(900).build();
    try (AuditEventReader r =
        RecordFormat.AKS.reader(
            new ByteArrayInputStream(
                text.replace("\"big\"", "\"" + "b".repeat(500) + "\"")
                    .getBytes(StandardCharsets.UTF_8)),
            "export",
            small)) {
      for (Optional<DecodeResult> d = r.read(); d.isPresent(); d = r.read()) {
        results.add(d.get());
      }
    }
    assertThat(rejections(results)).singleElement().asString().contains("--max-line-bytes");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("ok");
  }

  @Test
  void parseNamesTheAllowedFormats() {
    assertThat(RecordFormat.parse("GKE")).isEqualTo(RecordFormat.GKE);
    assertThatThrownBy(() -> RecordFormat.parse("eks"))
        .hasMessage("unknown format 'eks' (allowed: audit, gke, aks, auto)");
  }

  @Test
  void khiSamplesDecode() throws IOException {
    String dir = System.getProperty("kubetrail.testdata", "");
    Path khi = Path.of(dir.isEmpty() ? "/nonexistent" : dir, "khi");
    assumeTrue(Files.isDirectory(khi), "the sample logs are not beside the project");
    for (String name :
        List.of(
            "gke-cloudlogging-pods-status-patch.yaml",
            "gke-cloudlogging-container_recorder_test_1_1.yaml")) {
      List<DecodeResult> results;
      try (InputStream in = Files.newInputStream(khi.resolve(name))) {
        results = read(RecordFormat.AUTO, in);
      }
      assertThat(rejections(results)).as(name).isEmpty();
      AuditEvent e = events(results).get(0);
      assertThat(e.objectRef().orElseThrow().namespace()).isEqualTo("1-2-deployment-update");
      assertThat(e.objectRef().orElseThrow().name())
          .isEqualTo("nginx-deployment-surge-8655b4b8c5-xf5f4");
    }
    List<DecodeResult> oss;
    try (InputStream in = Files.newInputStream(khi.resolve("oss-test-log.yaml"))) {
      oss = read(RecordFormat.AUTO, in);
    }
    assertThat(rejections(oss)).isEmpty();
    assertThat(events(oss)).hasSize(1);
  }
}
