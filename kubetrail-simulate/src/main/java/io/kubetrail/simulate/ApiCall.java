package io.kubetrail.simulate;

import io.kubetrail.event.Level;
import java.util.Optional;

/**
 * One API request and its outcome, as the audit log sees it. Scenario code fills it in; {@link
 * World#send} writes its events and, for changes, updates the truth.
 */
final class ApiCall {
  final Actor user;
  Optional<Actor> impersonated = Optional.empty();
  final String verb;
  final String uri;
  final Level level;

  /** The {@code objectRef} known from the URL; empty for non-resource requests. */
  final Optional<ObjRef> ref;

  /** The {@code objectRef} after the handler decoded the body; starts equal to {@link #ref}. */
  Optional<ObjRef> completedRef;

  String requestObject = "";
  String responseObject = "";

  /** True when {@link #responseObject} is the object itself, not a {@code Status} or a list. */
  boolean responseIsObject;

  /** The name in the response object's metadata, when {@link #responseIsObject}. */
  String responseName = "";

  int code = 200;

  /** The Status fields copied into {@code responseStatus}, when the response is a Status. */
  Optional<ApiStatus> status = Optional.empty();

  boolean allowed = true;

  /** The authorizer's reason when it is not the user's usual one. */
  Optional<String> reason = Optional.empty();

  long latency;

  /** For long-running requests (watch, log): how long after its headers the request ends. */
  long longRunningFor;

  /** Long-running requests whose end comes in a later step. */
  boolean completesLater;

  private ApiCall(Actor user, String verb, String uri, Level level, Optional<ObjRef> ref) {
    this.user = user;
    this.verb = verb;
    this.uri = uri;
    this.level = level;
    this.ref = ref;
    this.completedRef = ref;
  }

  static ApiCall resource(Actor user, String verb, String uri, ObjRef ref) {
    return new ApiCall(user, verb, uri, levelFor(verb), Optional.of(ref));
  }

  static ApiCall nonResource(Actor user, String uri) {
    ApiCall call = new ApiCall(user, "get", uri, Level.Metadata, Optional.empty());
    boolean admin = user.reasonTemplate().contains("\"cluster-admin\"");
    if (user.groups().contains("system:authenticated") && !admin) {
      // Discovery paths are open to every authenticated user through one binding.
      call.reason =
          Optional.of(
              "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole"
                  + " \"system:discovery\" to Group \"system:authenticated\"");
    }
    return call;
  }

  /**
   * The broad policy the simulated cluster runs: request and response bodies for writes, metadata
   * for everything else; no stage omitted.
   */
  static Level levelFor(String verb) {
    return isWrite(verb) ? Level.RequestResponse : Level.Metadata;
  }

  static boolean isWrite(String verb) {
    return switch (verb) {
      case "create", "update", "patch", "delete", "deletecollection" -> true;
      default -> false;
    };
  }

  boolean dryRun() {
    int q = uri.indexOf('?');
    return q >= 0 && (uri.indexOf("?dryRun=", q) == q || uri.indexOf("&dryRun=", q) > 0);
  }

  boolean succeeded() {
    return code >= 200 && code < 300;
  }

  /** Fills empty {@code objectRef} fields from the decoded request body, as the handler does. */
  ApiCall backfill(String namespace, String name, String uid, long resourceVersion) {
    String version = resourceVersion > 0 ? Long.toString(resourceVersion) : "";
    completedRef = ref.map(r -> r.backfill(namespace, name, uid, version));
    return this;
  }

  ApiCall respond(int code, KObject object) {
    this.code = code;
    this.responseObject = object.render();
    this.responseIsObject = true;
    this.responseName = object.name;
    return this;
  }

  /** Answers with an object rendered elsewhere. */
  ApiCall respond(int code, String object, String name) {
    this.code = code;
    this.responseObject = object;
    this.responseIsObject = true;
    this.responseName = name;
    return this;
  }

  /** Answers with a list. */
  ApiCall respondList(int code, String list) {
    this.code = code;
    this.responseObject = list;
    this.responseIsObject = false;
    return this;
  }

  /** Answers with a Status body; the audit layer copies it into {@code responseStatus}. */
  ApiCall respond(int httpCode, ApiStatus s) {
    this.code = httpCode;
    this.responseObject = s.toJson();
    this.responseIsObject = false;
    this.status = Optional.of(s);
    return this;
  }

  ApiCall forbidden(Kind kind, String subresource, String namespace, String name) {
    allowed = false;
    return respond(
        403,
        ApiStatus.forbidden(impersonated.orElse(user), verb, kind, subresource, namespace, name));
  }

  private String head;
  private String refJson;
  private String completedRefJson;

  /**
   * The members every stage repeats, from {@code requestURI} to {@code userAgent}, written once.
   */
  String head() {
    if (head == null) {
      head =
          Json.render(
              g -> {
                g.writeStartObject();
                g.writeStringField("requestURI", uri);
                g.writeStringField("verb", verb);
                g.writeFieldName("user");
                g.writeRawValue(user.userJson());
                if (impersonated.isPresent()) {
                  g.writeFieldName("impersonatedUser");
                  g.writeRawValue(impersonated.get().userJson());
                }
                g.writeRawMembers(user.originMembers());
                g.writeEndObject();
              });
      head = head.substring(1, head.length() - 1);
    }
    return head;
  }

  /** The {@code objectRef} as written at RequestReceived, or (completed) at later stages. */
  String refJson(boolean completed) {
    if (refJson == null) {
      refJson = ref.map(ApiCall::writeRef).orElse("");
      completedRefJson =
          completedRef.equals(ref) ? refJson : completedRef.map(ApiCall::writeRef).orElse("");
    }
    return completed ? completedRefJson : refJson;
  }

  private static String writeRef(ObjRef r) {
    return Json.render(
        g -> {
          g.writeStartObject();
          writeIfSet(g, "resource", r.resource());
          writeIfSet(g, "namespace", r.namespace());
          writeIfSet(g, "name", r.name());
          writeIfSet(g, "uid", r.uid());
          writeIfSet(g, "apiGroup", r.apiGroup());
          writeIfSet(g, "apiVersion", r.apiVersion());
          writeIfSet(g, "resourceVersion", r.resourceVersion());
          writeIfSet(g, "subresource", r.subresource());
          g.writeEndObject();
        });
  }

  private static void writeIfSet(JsonOut g, String field, String value) {
    if (!value.isEmpty()) {
      g.writeStringField(field, value);
    }
  }

  ApiCall latency(long micros) {
    this.latency = micros;
    return this;
  }
}
