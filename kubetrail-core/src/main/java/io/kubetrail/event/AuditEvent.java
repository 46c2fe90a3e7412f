package io.kubetrail.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One {@code audit.k8s.io/v1} Event: the fields kubetrail indexes and reasons about, and {@link
 * #json() the raw event} with every field, unknown ones included. Events of older API versions are
 * converted to v1 on read, so {@code json} is always a v1 event.
 *
 * @param user the authenticated user; empty when the event has none (failed authentication records
 *     {@code user: {}})
 * @param responseCode {@code responseStatus.code}; empty when the event has no response yet
 * @param responseName the name of the object in {@code responseObject}: its {@code metadata.name},
 *     else its {@code details.name} (a {@code Status} answering a delete); empty when the event has
 *     no response body or the body names nothing. A create by {@code generateName} has its name
 *     only here.
 */
public record AuditEvent(
    Level level,
    String auditID,
    Stage stage,
    String requestURI,
    String verb,
    Optional<UserInfo> user,
    Optional<UserInfo> impersonatedUser,
    List<String> sourceIPs,
    String userAgent,
    Optional<ObjectReference> objectRef,
    OptionalInt responseCode,
    String responseName,
    Instant requestReceivedTimestamp,
    Instant stageTimestamp,
    Map<String, String> annotations,
    RawJson json) {

  /** The verbs that write objects; with a 2xx completion and no dry run, they are changes. */
  public static final Set<String> CHANGE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  /** Annotation that records the authorizer's decision ({@code allow} or {@code forbid}). */
  public static final String DECISION_ANNOTATION = "authorization.k8s.io/decision";

  private static final String DRY_RUN = "dryRun";

  public AuditEvent {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(auditID, "auditID");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(requestURI, "requestURI");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(impersonatedUser, "impersonatedUser");
    sourceIPs = List.copyOf(sourceIPs);
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(objectRef, "objectRef");
    Objects.requireNonNull(responseCode, "responseCode");
    Objects.requireNonNull(responseName, "responseName");
    Objects.requireNonNull(requestReceivedTimestamp, "requestReceivedTimestamp");
    Objects.requireNonNull(stageTimestamp, "stageTimestamp");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(json, "json");
  }

  /** True for a resource request (one with an {@code objectRef}). */
  public boolean isResourceRequest() {
    return objectRef.isPresent();
  }

  /**
   * True when the request was a dry run: a {@code dryRun} query parameter in the request URI
   * (kube-apiserver does not persist such changes).
   */
  public boolean dryRun() {
    // A scan of the query's parameters without splitting it: every search row asks, twice.
    int at = requestURI.indexOf('?');
    while (at >= 0) {
      int start = at + 1;
      if (requestURI.startsWith(DRY_RUN, start)) {
        int after = start + DRY_RUN.length();
        if (after == requestURI.length()
            || requestURI.charAt(after) == '&'
            || requestURI.charAt(after) == '=') {
          return true;
        }
      }
      at = requestURI.indexOf('&', start);
    }
    return false;
  }

  /**
   * True when this event records a change to the cluster: a {@code ResponseComplete} resource
   * request with a {@link #CHANGE_VERBS change verb}, a 2xx response code and no {@code dryRun}.
   * Everything else is activity. Replay, {@code --changes-only} and history all use this one
   * definition.
   */
  public boolean isChange() {
    return stage == Stage.ResponseComplete
        && CHANGE_VERBS.contains(verb)
        && objectRef.isPresent()
        && responseCode.isPresent()
        && responseCode.getAsInt() / 100 == 2
        && !dryRun();
  }

  /** The authorizer's decision annotation, or empty. */
  public Optional<String> authorizationDecision() {
    return Optional.ofNullable(annotations.get(DECISION_ANNOTATION));
  }

  /**
   * A copy with another level and raw JSON, as a policy that rewrites the event produces. A level
   * below {@code RequestResponse} has no response body, so the copy's {@link #responseName} is then
   * empty.
   */
  public AuditEvent withLevelAndJson(Level newLevel, RawJson newJson) {
    return new AuditEvent(
        newLevel,
        auditID,
        stage,
        requestURI,
        verb,
        user,
        impersonatedUser,
        sourceIPs,
        userAgent,
        objectRef,
        responseCode,
        newLevel.atLeast(Level.RequestResponse) ? responseName : "",
        requestReceivedTimestamp,
        stageTimestamp,
        annotations,
        newJson);
  }
}
