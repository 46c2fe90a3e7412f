package io.kubetrail.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditEventTest {

  @ParameterizedTest
  @CsvSource({
    "/api/v1/namespaces/a/pods, false",
    "/api/v1/namespaces/a/pods?dryRun=All, true",
    "/api/v1/namespaces/a/pods?fieldManager=x&dryRun=All, true",
    "/api/v1/namespaces/a/pods?dryRun, true",
    "/api/v1/namespaces/dryRun/pods, false",
    "/api/v1/namespaces/a/pods?notdryRun=All, false",
    "/api/v1/namespaces/a/pods?dryRunX=All, false",
    "/api/v1/namespaces/a/pods?x=dryRun, false",
    "/api/v1/namespaces/a/pods?dryRun&x=1, true",
    "/api/v1/namespaces/a/pods?x=1&&dryRun=, true",
    "/api/v1/namespaces/a/pods?x=1&dryRun, true",
    "/api/v1/namespaces/a/pods?x=1&dryRunning, false",
    "/api/v1/namespaces/a/pods?, false",
    "/api/v1/namespaces/a/pods?x=1?dryRun=All, false",
    "/api/v1/namespaces/a/pods??dryRun=All, false",
  })
  void dryRunIsAQueryParameter(String uri, boolean expected) {
    assertThat(eventWithUri(uri).dryRun()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    // stage, verb, code, uri, resource request, change?
    "ResponseComplete, create, 201, /api/v1/namespaces/a/pods, true, true",
    "ResponseComplete, deletecollection, 200, /api/v1/namespaces/a/pods, true, true",
    "ResponseComplete, create, 409, /api/v1/namespaces/a/pods, true, false",
    "ResponseComplete, create, 201, /api/v1/namespaces/a/pods?dryRun=All, true, false",
    "RequestReceived, create, 0, /api/v1/namespaces/a/pods, true, false",
    "Panic, update, 500, /api/v1/namespaces/a/pods/x, true, false",
    "ResponseComplete, get, 200, /api/v1/namespaces/a/pods/x, true, false",
    "ResponseComplete, create, 201, /apis/x, false, false",
  })
  void aChangeIsACompletedSuccessfulWriteThatWasNotADryRun(
      Stage stage, String verb, int code, String uri, boolean resource, boolean change) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    AuditEvent e =
        new AuditEvent(
            Level.RequestResponse,
            "id",
            stage,
            uri,
            verb,
            Optional.of(UserInfo.of("alice")),
            Optional.empty(),
            List.of(),
            "",
            resource ? Optional.of(ObjectReference.of("", "pods", "a", "x")) : Optional.empty(),
            code == 0 ? OptionalInt.empty() : OptionalInt.of(code),
            "",
            t,
            t,
            Map.of(),
            RawJson.of("{}"));
    assertThat(e.isChange()).isEqualTo(change);
  }

  @Test
  void aLevelWithoutResponseBodiesDropsTheResponseName() throws AuditDecodeException {
    AuditEvent e =
        AuditEventReader.decode(
            ("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
                    + "\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/n/pods\","
                    + "\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"n\"},"
                    + "\"responseObject\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-x1\"}},"
                    + "\"requestReceivedTimestamp\":\"2026-01-01T00:00:00Z\","
                    + "\"stageTimestamp\":\"2026-01-01T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8),
            DecodeLimits.defaults());

    assertThat(e.responseName()).isEqualTo("web-x1");
    assertThat(e.withLevelAndJson(Level.RequestResponse, e.json()).responseName())
        .isEqualTo("web-x1");
    assertThat(e.withLevelAndJson(Level.Request, RawJson.of("{}")).responseName()).isEmpty();
  }

  private static AuditEvent eventWithUri(String uri) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new AuditEvent(
        Level.Metadata,
        "id",
        Stage.ResponseComplete,
        uri,
        "create",
        Optional.of(UserInfo.of("alice")),
        Optional.empty(),
        List.of(),
        "",
        Optional.of(ObjectReference.of("", "pods", "a", "")),
        OptionalInt.of(201),
        "",
        t,
        t,
        Map.of(),
        RawJson.of("{}"));
  }
}
