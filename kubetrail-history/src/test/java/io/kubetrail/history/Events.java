package io.kubetrail.history;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-made audit events and object bodies for tests. */
final class Events {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final AtomicLong IDS = new AtomicLong();

  private Events() {}

  static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** An object body with the usual metadata. */
  static ObjectNode obj(String apiVersion, String kind, String ns, String name, long rv) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    ObjectNode m = o.putObject("metadata");
    m.put("name", name);
    if (!ns.isEmpty()) {
      m.put("namespace", ns);
    }
    m.put("uid", "uid-" + ns + "-" + name);
    m.put("resourceVersion", Long.toString(rv));
    m.put("creationTimestamp", "2024-05-01T09:00:00Z");
    return o;
  }

  static ObjectNode pod(String ns, String name, long rv) {
    ObjectNode p = obj("v1", "Pod", ns, name, rv);
    p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
    return p;
  }

  static ObjectNode namespace(String name, long rv) {
    return obj("v1", "Namespace", "", name, rv);
  }

  static ObjectNode status() {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status").put("apiVersion", "v1").put("status", "Success");
    s.putObject("metadata");
    return s;
  }

  static Builder event(String verb, String group, String resource, String ns, String name) {
    return new Builder(verb, ObjectReference.of(group, resource, ns, name));
  }

  static Builder event(String verb, ObjectReference ref) {
    return new Builder(verb, ref);
  }

  static final class Builder {
    private final String verb;
    private ObjectReference ref;
    private Stage stage = Stage.ResponseComplete;
    private int code = 200;
    private String query = "";
    private Instant at = T0;
    private JsonNode response;
    private JsonNode request;
    private String user = "alice";
    private String auditID = "id-" + IDS.incrementAndGet();
    private Level level = Level.RequestResponse;
    private final Map<String, String> annotations = new HashMap<>();

    Builder(String verb, ObjectReference ref) {
      this.verb = verb;
      this.ref = ref;
      if (verb.equals("create")) {
        code = 201;
      }
    }

    Builder subresource(String sub) {
      ref =
          new ObjectReference(
              ref.resource(),
              ref.namespace(),
              ref.name(),
              ref.uid(),
              ref.apiGroup(),
              ref.apiVersion(),
              ref.resourceVersion(),
              sub);
      return this;
    }

    Builder stage(Stage s) {
      stage = s;
      return this;
    }

    Builder code(int c) {
      code = c;
      return this;
    }

    Builder query(String q) {
      query = q;
      return this;
    }

    Builder at(Instant t) {
      at = t;
      return this;
    }

    Builder at(int seconds) {
      return at(t(seconds));
    }

    Builder response(JsonNode body) {
      response = body;
      return this;
    }

    Builder request(JsonNode body) {
      request = body;
      return this;
    }

    Builder user(String u) {
      user = u;
      return this;
    }

    Builder auditID(String id) {
      auditID = id;
      return this;
    }

    Builder level(Level l) {
      level = l;
      return this;
    }

    Builder annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    String uri() {
      StringBuilder sb =
          new StringBuilder(
              ref.apiGroup().isEmpty() ? "/api/v1" : "/apis/" + ref.apiGroup() + "/v1");
      if (!ref.namespace().isEmpty() && !ref.resource().equals("namespaces")) {
        sb.append("/namespaces/").append(ref.namespace());
      }
      sb.append('/').append(ref.resource());
      if (!ref.name().isEmpty()) {
        sb.append('/').append(ref.name());
      }
      if (!ref.subresource().isEmpty()) {
        sb.append('/').append(ref.subresource());
      }
      if (!query.isEmpty()) {
        sb.append('?').append(query);
      }
      return sb.toString();
    }

    AuditEvent build() {
      ObjectNode e = JSON.createObjectNode();
      e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1");
      e.put("level", level.name()).put("auditID", auditID).put("stage", stage.name());
      e.put("requestURI", uri()).put("verb", verb);
      ObjectNode u = e.putObject("user");
      u.put("username", user);
      u.putArray("groups").add("system:authenticated");
      e.putArray("sourceIPs").add("10.0.0.1");
      e.put("userAgent", "kubectl/v1.30");
      ObjectNode r = e.putObject("objectRef");
      r.put("resource", ref.resource());
      if (!ref.namespace().isEmpty()) {
        r.put("namespace", ref.namespace());
      }
      if (!ref.name().isEmpty()) {
        r.put("name", ref.name());
      }
      if (!ref.apiGroup().isEmpty()) {
        r.put("apiGroup", ref.apiGroup());
      }
      r.put("apiVersion", "v1");
      if (!ref.subresource().isEmpty()) {
        r.put("subresource", ref.subresource());
      }
      if (stage == Stage.ResponseComplete || stage == Stage.Panic) {
        e.putObject("responseStatus").putObject("metadata");
        ((ObjectNode) e.get("responseStatus")).put("code", code);
      }
      if (request != null) {
        e.set("requestObject", request);
      }
      if (response != null && stage == Stage.ResponseComplete) {
        e.set("responseObject", response);
      }
      e.put("requestReceivedTimestamp", at.minusMillis(5).toString());
      e.put("stageTimestamp", at.toString());
      ObjectNode a = e.putObject("annotations");
      annotations.forEach(a::put);
      byte[] json;
      try {
        json = JSON.writeValueAsBytes(e);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      return new AuditEvent(
          level,
          auditID,
          stage,
          uri(),
          verb,
          Optional.of(UserInfo.of(user, "system:authenticated")),
          Optional.empty(),
          List.of("10.0.0.1"),
          "kubectl/v1.30",
          Optional.of(ref),
          stage == Stage.ResponseComplete || stage == Stage.Panic
              ? OptionalInt.of(code)
              : OptionalInt.empty(),
          response != null && stage == Stage.ResponseComplete
              ? response.path("metadata").path("name").asText("")
              : "",
          at.minusMillis(5),
          at,
          annotations,
          RawJson.of(json));
    }
  }
}
