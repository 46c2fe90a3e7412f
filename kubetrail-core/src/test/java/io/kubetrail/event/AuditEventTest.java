package io.kubetrail.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
  })
  void dryRunIsAQueryParameter(String uri, boolean expected) {
    assertThat(eventWithUri(uri).dryRun()).isEqualTo(expected);
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
        t,
        t,
        Map.of(),
        RawJson.of("{}"));
  }
}
