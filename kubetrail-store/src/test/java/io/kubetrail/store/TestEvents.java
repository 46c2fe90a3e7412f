package io.kubetrail.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds stored events for tests: writes an {@code audit.k8s.io/v1} JSON event by hand and decodes
 * it as ingestion does.
 */
public final class TestEvents {
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static final JsonFactory JSON = new JsonFactory();

  private TestEvents() {}

  /** A ResponseComplete 201 create of pod {@code default/web} by alice at {@link #T0}. */
  public static Builder event(String auditID) {
    return new Builder(auditID);
  }

  /** Mutable builder; every setter returns this. */
  public static final class Builder {
    private String cluster = "prod";
    private String auditID;
    private Stage stage = Stage.ResponseComplete;
    private Level level = Level.RequestResponse;
    private String verb = "create";
    private Optional<String> username = Optional.of("alice");
    private List<String> groups = new ArrayList<>(List.of("system:authenticated"));
    private Optional<String> impersonated = Optional.empty();
    private List<String> sourceIPs = new ArrayList<>(List.of("10.0.0.1"));
    private String userAgent = "kubectl/v1.31.0";
    private boolean resourceRequest = true;
    private String apiGroup = "";
    private String apiVersion = "v1";
    private String resource = "pods";
    private String namespace = "default";
    private String refName = "web";
    private String uid = "";
    private String subresource = "";
    private String resourceVersion = "";
    private OptionalInt code = OptionalInt.of(201);
    private Instant received = T0;
    private Optional<Instant> stageTime = Optional.empty();
    private boolean dryRun;
    private Map<String, String> annotations = new LinkedHashMap<>();
    private Optional<String> enrichedName = Optional.empty();
    private Instant generated = T0.plusSeconds(1);
    private String extraField = "";

    private Builder(String auditID) {
      this.auditID = auditID;
      annotations.put(AuditEvent.DECISION_ANNOTATION, "allow");
    }

    public Builder cluster(String v) {
      cluster = v;
      return this;
    }

    public Builder stage(Stage v) {
      stage = v;
      return this;
    }

    public Builder level(Level v) {
      level = v;
      return this;
    }

    public Builder verb(String v) {
      verb = v;
      return this;
    }

    public Builder user(String v) {
      username = Optional.of(v);
      return this;
    }

    /** Failed authentication: {@code user: {}}. */
    public Builder noUser() {
      username = Optional.empty();
      groups = new ArrayList<>();
      return this;
    }

    public Builder groups(String... v) {
      groups = new ArrayList<>(List.of(v));
      return this;
    }

    public Builder impersonatedUser(String v) {
      impersonated = Optional.of(v);
      return this;
    }

    public Builder sourceIPs(String... v) {
      sourceIPs = new ArrayList<>(List.of(v));
      return this;
    }

    public Builder userAgent(String v) {
      userAgent = v;
      return this;
    }

    /** The object: API group ("" for core), resource, namespace ("" when cluster-scoped), name. */
    public Builder object(String group, String res, String ns, String name) {
      resourceRequest = true;
      apiGroup = group;
      resource = res;
      namespace = ns;
      refName = name;
      return this;
    }

    public Builder subresource(String v) {
      subresource = v;
      return this;
    }

    public Builder uid(String v) {
      uid = v;
      return this;
    }

    public Builder resourceVersion(String v) {
      resourceVersion = v;
      return this;
    }

    /** A non-resource request (no objectRef), e.g. {@code GET /healthz}. */
    public Builder nonResource() {
      resourceRequest = false;
      return this;
    }

    public Builder code(int v) {
      code = OptionalInt.of(v);
      return this;
    }

    public Builder noCode() {
      code = OptionalInt.empty();
      return this;
    }

    public Builder received(Instant v) {
      received = v;
      return this;
    }

    /** requestReceivedTimestamp = T0 + seconds; stageTimestamp follows 1 ms later by default. */
    public Builder at(long seconds) {
      received = T0.plusSeconds(seconds);
      return this;
    }

    public Builder stageTime(Instant v) {
      stageTime = Optional.of(v);
      return this;
    }

    public Builder dryRun() {
      dryRun = true;
      return this;
    }

    public Builder decision(String v) {
      annotations.put(AuditEvent.DECISION_ANNOTATION, v);
      return this;
    }

    public Builder annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    /** The enriched name; by default {@code objectRef.name}, or "-" when there is none. */
    public Builder name(String v) {
      enrichedName = Optional.of(v);
      return this;
    }

    public Builder generated(Instant v) {
      generated = v;
      return this;
    }

    /** An extra top-level JSON field (an unknown field the raw event must keep). */
    public Builder extraField(String v) {
      extraField = v;
      return this;
    }

    /**
     * Writes the event's JSON and decodes it with {@link AuditEventReader#decode}, as ingestion
     * does.
     */
    public StoredEvent build() {
      Instant stageAt = stageTime.orElse(received.plusMillis(1));
      byte[] json = json(requestURI(), stageAt);
      AuditEvent event;
      try {
        event = AuditEventReader.decode(json, DecodeLimits.defaults());
      } catch (AuditDecodeException e) {
        throw new IllegalStateException(
            "test event does not decode: " + e.getMessage() + ": " + new String(json, UTF_8), e);
      }
      String name = enrichedName.orElse(resourceRequest && !refName.isEmpty() ? refName : "-");
      return new StoredEvent(cluster, name, generated, event);
    }

    private String requestURI() {
      if (!resourceRequest) {
        return "/healthz";
      }
      StringBuilder uri =
          new StringBuilder(apiGroup.isEmpty() ? "/api/v1" : "/apis/" + apiGroup + "/v1");
      if (!namespace.isEmpty() && !resource.equals("namespaces")) {
        uri.append("/namespaces/").append(namespace);
      }
      uri.append('/').append(resource);
      if (!refName.isEmpty() && !verb.equals("create")) {
        uri.append('/').append(refName);
      }
      if (!subresource.isEmpty()) {
        uri.append('/').append(subresource);
      }
      if (dryRun) {
        uri.append("?dryRun=All");
      }
      return uri.toString();
    }

    private byte[] json(String uri, Instant stageAt) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("kind", "Event");
        g.writeStringField("apiVersion", "audit.k8s.io/v1");
        g.writeStringField("level", level.name());
        g.writeStringField("auditID", auditID);
        g.writeStringField("stage", stage.name());
        g.writeStringField("requestURI", uri);
        g.writeStringField("verb", verb);
        g.writeObjectFieldStart("user");
        if (username.isPresent()) {
          g.writeStringField("username", username.get());
          g.writeArrayFieldStart("groups");
          for (String group : groups) {
            g.writeString(group);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
        if (impersonated.isPresent()) {
          g.writeObjectFieldStart("impersonatedUser");
          g.writeStringField("username", impersonated.get());
          g.writeEndObject();
        }
        g.writeArrayFieldStart("sourceIPs");
        for (String ip : sourceIPs) {
          g.writeString(ip);
        }
        g.writeEndArray();
        g.writeStringField("userAgent", userAgent);
        if (resourceRequest) {
          g.writeObjectFieldStart("objectRef");
          g.writeStringField("resource", resource);
          if (!namespace.isEmpty()) {
            g.writeStringField("namespace", namespace);
          }
          if (!refName.isEmpty()) {
            g.writeStringField("name", refName);
          }
          if (!apiGroup.isEmpty()) {
            g.writeStringField("apiGroup", apiGroup);
          }
          g.writeStringField("apiVersion", apiVersion);
          if (!uid.isEmpty()) {
            g.writeStringField("uid", uid);
          }
          if (!resourceVersion.isEmpty()) {
            g.writeStringField("resourceVersion", resourceVersion);
          }
          if (!subresource.isEmpty()) {
            g.writeStringField("subresource", subresource);
          }
          g.writeEndObject();
        }
        if (code.isPresent()) {
          g.writeObjectFieldStart("responseStatus");
          g.writeObjectFieldStart("metadata");
          g.writeEndObject();
          g.writeNumberField("code", code.getAsInt());
          g.writeEndObject();
        }
        g.writeStringField("requestReceivedTimestamp", received.toString());
        g.writeStringField("stageTimestamp", stageAt.toString());
        if (!annotations.isEmpty()) {
          g.writeObjectFieldStart("annotations");
          for (Map.Entry<String, String> a : annotations.entrySet()) {
            g.writeStringField(a.getKey(), a.getValue());
          }
          g.writeEndObject();
        }
        if (!extraField.isEmpty()) {
          g.writeStringField("x-extra", extraField);
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }
}
