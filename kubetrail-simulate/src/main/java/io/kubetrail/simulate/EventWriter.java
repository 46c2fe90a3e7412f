package io.kubetrail.simulate;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;

/**
 * Writes {@code audit.k8s.io/v1} Events exactly as kube-apiserver's log backend does: Go struct
 * field order, {@code omitempty} fields left out, MicroTime timestamps, bodies embedded as raw
 * JSON.
 */
final class EventWriter {
  private static final String HEAD = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"";

  private EventWriter() {}

  static String write(ApiCall c, String auditId, Stage stage, long received, long stageTime) {
    return Json.render(g -> write(g, c, auditId, stage, received, stageTime));
  }

  private static void write(
      JsonOut g, ApiCall c, String auditId, Stage stage, long received, long stageTime) {
    boolean started = stage != Stage.RequestReceived;
    boolean complete = stage == Stage.ResponseComplete;
    g.writeStartObject();
    g.writeRawMembers(HEAD);
    g.writeStringField("level", c.level.name());
    g.writeStringField("auditID", auditId);
    g.writeStringField("stage", stage.name());
    g.writeRawMembers(c.head());
    String ref = c.refJson(started);
    if (!ref.isEmpty()) {
      g.writeFieldName("objectRef");
      g.writeRawValue(ref);
    }
    if (started) {
      g.writeObjectFieldStart("responseStatus");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      if (c.status.isPresent()) {
        c.status.get().writeFields(g, c.code);
      } else {
        g.writeNumberField("code", c.code);
      }
      g.writeEndObject();
    }
    if (complete && c.level.atLeast(Level.Request) && !c.requestObject.isEmpty()) {
      g.writeFieldName("requestObject");
      g.writeRawValue(c.requestObject);
    }
    if (complete && c.level.atLeast(Level.RequestResponse) && !c.responseObject.isEmpty()) {
      g.writeFieldName("responseObject");
      g.writeRawValue(c.responseObject);
    }
    g.writeStringField("requestReceivedTimestamp", Times.micro(received));
    g.writeStringField("stageTimestamp", Times.micro(stageTime));
    if (started) {
      // The authorizer runs after RequestReceived is logged, so only later stages carry its word.
      String namespace = c.ref.map(ObjRef::namespace).orElse("");
      g.writeObjectFieldStart("annotations");
      g.writeStringField("authorization.k8s.io/decision", c.allowed ? "allow" : "forbid");
      g.writeFieldName("authorization.k8s.io/reason");
      if (!c.allowed) {
        g.writeString("");
      } else if (c.reason.isPresent()) {
        g.writeString(c.reason.get());
      } else {
        g.writeRawValue(c.impersonated.orElse(c.user).reasonJson(namespace));
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
