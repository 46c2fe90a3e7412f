package io.kubetrail.collect;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds events for tests without going through the decoder. */
final class TestEvents {
  private TestEvents() {}

  static AuditEvent event(String apiGroup, String resource, String json) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new AuditEvent(
        Level.RequestResponse,
        "id-1",
        Stage.ResponseComplete,
        "/api/v1/namespaces/ns/" + resource,
        "create",
        Optional.of(UserInfo.of("alice")),
        Optional.empty(),
        List.of("10.0.0.1"),
        "kubectl",
        Optional.of(ObjectReference.of(apiGroup, resource, "ns", "")),
        OptionalInt.of(201),
        "",
        t,
        t,
        Map.of(),
        RawJson.of(json));
  }

  /** JSON with single quotes, for readable test tables. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }
}
