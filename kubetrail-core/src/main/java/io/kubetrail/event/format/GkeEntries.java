package io.kubetrail.event.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.format.ExportRecords.ConversionException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * A GKE Cloud Logging entry (a {@code google.cloud.audit.AuditLog} in {@code protoPayload}) as an
 * {@code audit.k8s.io/v1} Event. What the entry keeps maps across; what it drops is rebuilt or left
 * out (the README lists each):
 *
 * <ul>
 *   <li>{@code auditID}: {@code operation.id}, else {@code insertId};
 *   <li>{@code stage}: {@code ResponseComplete}, or {@code RequestReceived} for the first entry of
 *       an operation that has a later one ({@code operation.first} without {@code last});
 *   <li>{@code verb}: the last part of {@code methodName} ({@code io.k8s.core.v1.pods.create});
 *   <li>{@code objectRef} and {@code requestURI}: rebuilt from {@code resourceName} ({@code
 *       core/v1/namespaces/NS/pods/NAME/status}); a query string is lost;
 *   <li>{@code user.username}: {@code authenticationInfo.principalEmail}; groups are lost;
 *   <li>{@code responseStatus.code}: the HTTP status matching {@code status.code}, a google.rpc
 *       code (OK is 201 for a create, 200 otherwise);
 *   <li>{@code level}: RequestResponse with a response body, Request with a request body, else
 *       Metadata;
 *   <li>both timestamps: the entry's {@code timestamp};
 *   <li>{@code annotations}: the entry's {@code labels}.
 * </ul>
 */
final class GkeEntries {
  static final String AUDIT_LOG = "type.googleapis.com/google.cloud.audit.AuditLog";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // google.rpc.Code to HTTP status, as the API server's errors are mapped into Cloud Audit Logs.
  private static final Map<Integer, Integer> HTTP_STATUS =
      Map.ofEntries(
          Map.entry(1, 499),
          Map.entry(2, 500),
          Map.entry(3, 400),
          Map.entry(4, 504),
          Map.entry(5, 404),
          Map.entry(6, 409),
          Map.entry(7, 403),
          Map.entry(8, 429),
          Map.entry(9, 400),
          Map.entry(10, 409),
          Map.entry(11, 400),
          Map.entry(12, 501),
          Map.entry(13, 500),
          Map.entry(14, 503),
          Map.entry(15, 500),
          Map.entry(16, 401));

  private GkeEntries() {}

  static ObjectNode toEvent(JsonNode entry) throws ConversionException {
    JsonNode p = entry.path("protoPayload");
    String type = p.path("@type").asText("");
    if (!type.equals(AUDIT_LOG)) {
      throw new ConversionException(
          "protoPayload.@type: expected " + AUDIT_LOG + ", got '" + type + "'");
    }
    String method = text(p, "methodName", "protoPayload.methodName");
    String verb = method.substring(method.lastIndexOf('.') + 1);
    String auditId = entry.path("operation").path("id").asText(entry.path("insertId").asText(""));
    if (auditId.isEmpty()) {
      throw new ConversionException("operation.id, insertId: missing: the entry has no audit ID");
    }
    String time = text(entry, "timestamp", "timestamp");

    ObjectNode e = NODES.objectNode();
    e.put("kind", "Event");
    e.put("apiVersion", "audit.k8s.io/v1");
    JsonNode request = body(p.get("request"));
    JsonNode response = body(p.get("response"));
    e.put("level", response != null ? "RequestResponse" : request != null ? "Request" : "Metadata");
    e.put("auditID", auditId);
    JsonNode operation = entry.path("operation");
    boolean firstOnly =
        operation.path("first").asBoolean(false) && !operation.path("last").asBoolean(true);
    e.put("stage", firstOnly ? "RequestReceived" : "ResponseComplete");
    String resourceName = p.path("resourceName").asText("");
    e.put("requestURI", requestUri(resourceName));
    e.put("verb", verb);
    ObjectNode user = e.putObject("user");
    user.put(
        "username",
        text(
            p.path("authenticationInfo"),
            "principalEmail",
            "protoPayload.authenticationInfo.principalEmail"));
    JsonNode metadata = p.path("requestMetadata");
    if (metadata.hasNonNull("callerIp")) {
      e.putArray("sourceIPs").add(metadata.get("callerIp").asText());
    }
    if (metadata.hasNonNull("callerSuppliedUserAgent")) {
      e.put("userAgent", metadata.get("callerSuppliedUserAgent").asText());
    }
    objectRef(resourceName).ifPresent(ref -> e.set("objectRef", ref));
    if (!firstOnly) {
      ObjectNode status = e.putObject("responseStatus");
      status.putObject("metadata");
      int code = p.path("status").path("code").asInt(0);
      status.put(
          "code",
          code == 0 ? (verb.equals("create") ? 201 : 200) : HTTP_STATUS.getOrDefault(code, 500));
      if (p.path("status").hasNonNull("message")) {
        status.put("message", p.path("status").get("message").asText());
      }
    }
    if (request != null) {
      e.set("requestObject", request);
    }
    if (response != null && !firstOnly) {
      e.set("responseObject", response);
    }
    e.put("requestReceivedTimestamp", time);
    e.put("stageTimestamp", time);
    JsonNode labels = entry.get("labels");
    if (labels != null && labels.isObject() && !labels.isEmpty()) {
      ObjectNode annotations = e.putObject("annotations");
      for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> label = it.next();
        annotations.put(label.getKey(), label.getValue().asText());
      }
    }
    return e;
  }

  private static String text(JsonNode node, String field, String path) throws ConversionException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ConversionException(path + ": required field is missing");
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new ConversionException(path + ": expected a non-empty string, got " + v);
    }
    return v.asText();
  }

  /** A request or response body without its protobuf type, or null when there is none. */
  private static JsonNode body(JsonNode body) {
    if (body == null || !body.isObject()) {
      return null;
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove("@type");
    return copy;
  }

  /**
   * {@code /api/v1/...} or {@code /apis/GROUP/VERSION/...}; {@code /} when there is no resource.
   */
  static String requestUri(String resourceName) {
    String[] parts = resourceName.split("/");
    if (parts.length < 3) {
      return "/";
    }
    String rest = String.join("/", Arrays.copyOfRange(parts, 2, parts.length));
    return parts[0].equals("core")
        ? "/api/" + parts[1] + "/" + rest
        : "/apis/" + parts[0] + "/" + parts[1] + "/" + rest;
  }

  static java.util.Optional<ObjectNode> objectRef(String resourceName) {
    String[] parts = resourceName.split("/");
    if (parts.length < 3) {
      return java.util.Optional.empty();
    }
    ObjectNode ref = NODES.objectNode();
    String[] rest = Arrays.copyOfRange(parts, 2, parts.length);
    int i = 0;
    if (rest[0].equals("namespaces") && rest.length >= 3) {
      ref.put("namespace", rest[1]);
      i = 2;
    }
    ref.put("resource", rest[i]);
    if (rest.length > i + 1) {
      ref.put("name", rest[i + 1]);
    }
    if (rest.length > i + 2) {
      ref.put("subresource", rest[i + 2]);
    }
    if (!parts[0].equals("core")) {
      ref.put("apiGroup", parts[0]);
    }
    ref.put("apiVersion", parts[1]);
    return java.util.Optional.of(ref);
  }
}
