package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code metav1.Status}: the body of error responses and of some successful ones (deletes of
 * kinds that do not return the object, bindings). {@code code} 0, empty strings and empty details
 * are left out.
 */
record ApiStatus(String status, String message, String reason, ObjectNode details, int code) {

  static ApiStatus forbidden(
      Actor user, String verb, Kind kind, String subresource, String namespace, String name) {
    String resource = subresource.isEmpty() ? kind.resource : kind.resource + "/" + subresource;
    String subject =
        name.isEmpty() ? kind.qualifiedResource() : kind.qualifiedResource() + " \"" + name + "\"";
    String scope =
        namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
    String message =
        subject
            + " is forbidden: User \""
            + user.username()
            + "\" cannot "
            + verb
            + " resource \""
            + resource
            + "\" in API group \""
            + kind.group
            + "\" "
            + scope;
    return new ApiStatus("Failure", message, "Forbidden", details(kind, name, ""), 403);
  }

  static ApiStatus notFound(Kind kind, String name) {
    return new ApiStatus(
        "Failure",
        kind.qualifiedResource() + " \"" + name + "\" not found",
        "NotFound",
        details(kind, name, ""),
        404);
  }

  static ApiStatus alreadyExists(Kind kind, String name) {
    return new ApiStatus(
        "Failure",
        kind.qualifiedResource() + " \"" + name + "\" already exists",
        "AlreadyExists",
        details(kind, name, ""),
        409);
  }

  static ApiStatus conflict(Kind kind, String name) {
    return new ApiStatus(
        "Failure",
        "Operation cannot be fulfilled on "
            + kind.qualifiedResource()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        "Conflict",
        details(kind, name, ""),
        409);
  }

  /** A 422 for one bad field; {@code causeReason} is e.g. {@code FieldValueNotSupported}. */
  static ApiStatus invalid(
      Kind kind, String name, String field, String causeReason, String causeMessage) {
    ObjectNode details = Json.obj();
    details.put("name", name);
    if (!kind.group.isEmpty()) {
      details.put("group", kind.group);
    }
    details.put("kind", kind.kind);
    details.set(
        "causes",
        Json.arr(Json.obj("reason", causeReason, "message", causeMessage, "field", field)));
    return new ApiStatus(
        "Failure",
        kind.qualifiedKind() + " \"" + name + "\" is invalid: " + field + ": " + causeMessage,
        "Invalid",
        details,
        422);
  }

  /** What stores that do not return the deleted object answer: no code in the body. */
  static ApiStatus deleted(Kind kind, String name, String uid) {
    return new ApiStatus("Success", "", "", details(kind, name, uid), 0);
  }

  static ApiStatus success(int code) {
    return new ApiStatus("Success", "", "", Json.obj(), code);
  }

  private static ObjectNode details(Kind kind, String name, String uid) {
    ObjectNode details = Json.obj();
    if (!name.isEmpty()) {
      details.put("name", name);
    }
    if (!kind.group.isEmpty()) {
      details.put("group", kind.group);
    }
    details.put("kind", kind.resource);
    if (!uid.isEmpty()) {
      details.put("uid", uid);
    }
    return details;
  }

  /** The Status as a response body. */
  String toJson() {
    return Json.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("kind", "Status");
          g.writeStringField("apiVersion", "v1");
          g.writeObjectFieldStart("metadata");
          g.writeEndObject();
          writeFields(g, code);
          g.writeEndObject();
        });
  }

  /** The fields after {@code metadata}, with the given code (0 leaves it out). */
  void writeFields(JsonOut g, int withCode) {
    if (!status.isEmpty()) {
      g.writeStringField("status", status);
    }
    if (!message.isEmpty()) {
      g.writeStringField("message", message);
    }
    if (!reason.isEmpty()) {
      g.writeStringField("reason", reason);
    }
    if (details.size() > 0) {
      g.writeFieldName("details");
      g.writeTree(details);
    }
    if (withCode != 0) {
      g.writeNumberField("code", withCode);
    }
  }
}
