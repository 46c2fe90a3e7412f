package io.kubetrail.event;

import static io.kubetrail.event.JsonValues.orEmpty;

import io.kubetrail.event.EventField.Ref;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The modelled fields of the Event being decoded, as read so far: null (or empty) until read.
 * Reused from one event to the next.
 */
final class EventDraft {
  private static final String[] REQUIRED = {
    "auditID", "stage", "verb", "level", "requestURI", "requestReceivedTimestamp", "stageTimestamp"
  };

  String kind;
  String apiVersion;
  Level level;
  String auditID;
  Stage stage;
  String requestURI;
  String verb;
  String userAgent;
  UserInfo user;
  UserInfo impersonatedUser;
  List<String> sourceIPs;
  boolean hasObjectRef;

  /** objectRef's strings, indexed by {@link Ref#ordinal()}. */
  final String[] objectRef = new String[Ref.COUNT];

  boolean hasResponseCode;
  int responseCode;
  String responseName;
  Instant requestReceived;
  Instant stageTime;
  Map<String, String> annotations;

  void reset() {
    kind = null;
    apiVersion = null;
    level = null;
    auditID = null;
    stage = null;
    requestURI = null;
    verb = null;
    userAgent = null;
    user = null;
    impersonatedUser = null;
    sourceIPs = List.of();
    if (hasObjectRef) {
      Arrays.fill(objectRef, null);
      hasObjectRef = false;
    }
    hasResponseCode = false;
    responseName = "";
    requestReceived = null;
    stageTime = null;
    annotations = Map.of();
  }

  boolean isList() {
    return "EventList".equals(kind);
  }

  String ref(Ref field) {
    return objectRef[field.ordinal()];
  }

  void checkRequired() throws InvalidField {
    if (auditID != null
        && stage != null
        && verb != null
        && level != null
        && requestURI != null
        && requestReceived != null
        && stageTime != null) {
      return;
    }
    Object[] values = {auditID, stage, verb, level, requestURI, requestReceived, stageTime};
    StringBuilder missing = null;
    int count = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        missing = missing == null ? new StringBuilder() : missing.append(", ");
        missing.append(REQUIRED[i]);
        count++;
      }
    }
    if (missing != null) {
      throw new InvalidField(
          missing + (count == 1 ? ": required field is missing" : ": required fields are missing"));
    }
  }

  /** The event, once {@link #checkRequired} has passed. */
  AuditEvent toEvent(RawJson raw) {
    Optional<ObjectReference> ref =
        hasObjectRef
            ? Optional.of(
                new ObjectReference(
                    orEmpty(ref(Ref.RESOURCE)),
                    orEmpty(ref(Ref.NAMESPACE)),
                    orEmpty(ref(Ref.NAME)),
                    orEmpty(ref(Ref.UID)),
                    orEmpty(ref(Ref.API_GROUP)),
                    orEmpty(ref(Ref.API_VERSION)),
                    orEmpty(ref(Ref.RESOURCE_VERSION)),
                    orEmpty(ref(Ref.SUBRESOURCE))))
            : Optional.empty();
    return new AuditEvent(
        level,
        auditID,
        stage,
        requestURI,
        verb,
        Optional.ofNullable(user),
        Optional.ofNullable(impersonatedUser),
        sourceIPs,
        orEmpty(userAgent),
        ref,
        hasResponseCode ? OptionalInt.of(responseCode) : OptionalInt.empty(),
        responseName,
        requestReceived,
        stageTime,
        annotations,
        raw);
  }
}
