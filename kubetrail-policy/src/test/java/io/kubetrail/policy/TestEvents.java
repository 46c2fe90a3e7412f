package io.kubetrail.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds audit events whose record fields and raw JSON agree, as the decoder produces them. */
final class TestEvents {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-03-01T10:00:00.123456Z");

  private TestEvents() {}

  /** A mutable description of an event; {@link #build()} makes the record and its JSON. */
  static final class Spec {
    Level level = Level.Metadata;
    Stage stage = Stage.ResponseComplete;
    String verb = "get";
    String requestURI = "/api/v1/namespaces/default/pods/busybox";
    Optional<UserInfo> user = Optional.of(UserInfo.of("alice", "system:authenticated"));
    Optional<UserInfo> impersonatedUser = Optional.empty();
    Optional<ObjectReference> objectRef =
        Optional.of(ObjectReference.of("", "pods", "default", "busybox"));
    JsonNode requestObject;
    JsonNode responseObject;

    Spec level(Level value) {
      level = value;
      return this;
    }

    Spec stage(Stage value) {
      stage = value;
      return this;
    }

    Spec verb(String value) {
      verb = value;
      return this;
    }

    Spec uri(String value) {
      requestURI = value;
      return this;
    }

    Spec user(UserInfo value) {
      user = Optional.ofNullable(value);
      return this;
    }

    Spec impersonating(UserInfo value) {
      impersonatedUser = Optional.of(value);
      return this;
    }

    Spec nonResource(String uri) {
      objectRef = Optional.empty();
      requestURI = uri;
      return this;
    }

    Spec ref(ObjectReference value) {
      objectRef = Optional.of(value);
      return this;
    }

    Spec requestObject(String json) {
      requestObject = parse(json);
      return this;
    }

    Spec responseObject(String json) {
      responseObject = parse(json);
      return this;
    }

    AuditEvent build() {
      ObjectNode o = JSON.createObjectNode();
      o.put("kind", "Event");
      o.put("apiVersion", "audit.k8s.io/v1");
      o.put("level", level.name());
      o.put("auditID", "6c5ba8d2-7f4d-4d0c-9a3b-3b1f0e2f6a11");
      o.put("stage", stage.name());
      o.put("requestURI", requestURI);
      o.put("verb", verb);
      o.set("user", user.map(TestEvents::userJson).orElseGet(JSON::createObjectNode));
      impersonatedUser.ifPresent(u -> o.set("impersonatedUser", userJson(u)));
      o.putArray("sourceIPs").add("10.0.0.7");
      o.put("userAgent", "kubectl/v1.31.0");
      objectRef.ifPresent(
          r -> {
            ObjectNode ref = o.putObject("objectRef");
            ref.put("resource", r.resource());
            if (!r.namespace().isEmpty()) {
              ref.put("namespace", r.namespace());
            }
            if (!r.name().isEmpty()) {
              ref.put("name", r.name());
            }
            if (!r.apiGroup().isEmpty()) {
              ref.put("apiGroup", r.apiGroup());
            }
            ref.put("apiVersion", "v1");
            if (!r.subresource().isEmpty()) {
              ref.put("subresource", r.subresource());
            }
          });
      OptionalInt code = OptionalInt.empty();
      if (stage == Stage.ResponseComplete || stage == Stage.ResponseStarted) {
        code = OptionalInt.of(200);
        o.putObject("responseStatus").put("code", 200).putObject("metadata");
      }
      if (requestObject != null) {
        o.set("requestObject", requestObject.deepCopy());
      }
      if (responseObject != null) {
        o.set("responseObject", responseObject.deepCopy());
      }
      o.put("requestReceivedTimestamp", "2026-03-01T10:00:00.123456Z");
      o.put("stageTimestamp", "2026-03-01T10:00:00.133456Z");
      o.putObject("annotations").put("authorization.k8s.io/decision", "allow");
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(o);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new AuditEvent(
          level,
          "6c5ba8d2-7f4d-4d0c-9a3b-3b1f0e2f6a11",
          stage,
          requestURI,
          verb,
          user,
          impersonatedUser,
          List.of("10.0.0.7"),
          "kubectl/v1.31.0",
          objectRef,
          code,
          responseObject == null ? "" : responseObject.path("metadata").path("name").asText(""),
          T,
          T.plusMillis(10),
          Map.of("authorization.k8s.io/decision", "allow"),
          RawJson.of(bytes));
    }
  }

  static Spec event() {
    return new Spec();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(AuditEvent event) {
    try {
      return JSON.readTree(event.json().unsafeBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode userJson(UserInfo u) {
    ObjectNode n = JSON.createObjectNode();
    n.put("username", u.username());
    if (!u.groups().isEmpty()) {
      u.groups().forEach(n.putArray("groups")::add);
    }
    return n;
  }
}
