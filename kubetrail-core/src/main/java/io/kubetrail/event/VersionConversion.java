package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.event.EventField.Ref;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Converts {@code audit.k8s.io/v1beta1} and {@code v1alpha1} events to {@code v1}, as
 * kube-apiserver does (release-1.23, {@code audit/v1beta1/conversion.go}): the deprecated {@code
 * timestamp} and {@code metadata.creationTimestamp} fill the v1 times when those are missing, a
 * v1alpha1 {@code objectRef.apiVersion} of "group/version" is split into {@code apiGroup} and
 * {@code apiVersion}, and the raw JSON gets the same changes as {@link Edits}, every other byte
 * kept.
 *
 * <p>While the decoder reads an event, it tells this class where the fields a conversion edits
 * stand (offsets as the parser counts them). Not thread-safe: reused from one event to the next.
 */
final class VersionConversion {
  static final String V1 = "audit.k8s.io/v1";
  static final String V1BETA1 = "audit.k8s.io/v1beta1";
  static final String V1ALPHA1 = "audit.k8s.io/v1alpha1";

  /** The version an EventList of {@code listVersion} gives its items without one; null if none. */
  static String inherited(String listVersion) {
    if (V1.equals(listVersion)) {
      return V1;
    }
    if (V1BETA1.equals(listVersion)) {
      return V1BETA1;
    }
    return V1ALPHA1.equals(listVersion) ? V1ALPHA1 : null;
  }

  private static final byte[] QUOTED_V1 = ("\"" + V1 + "\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] API_VERSION_AFTER =
      (",\"apiVersion\":\"" + V1 + "\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] API_VERSION_BEFORE =
      ("\"apiVersion\":\"" + V1 + "\",").getBytes(StandardCharsets.UTF_8);

  private final FieldNames<EventField.Metadata> metadataFields =
      new FieldNames<>(EventField.Metadata.class);
  private final Edits edits = new Edits();
  private final TimeField receivedTimes = new TimeField("requestReceivedTimestamp");
  private final TimeField stageTimes = new TimeField("stageTimestamp");

  // Where the edited fields stand; -1 when absent (or, for apiVersion, when it is v1).
  private int apiVersionStart;
  private int apiVersionEnd;
  private int kindEnd;
  private int refVersionNameStart;
  private int refVersionStart;
  private int refVersionEnd;
  private int receivedNullStart;
  private int receivedNullEnd;
  private int stageNullStart;
  private int stageNullEnd;
  // The deprecated fields: kept when read, parsed only when a conversion needs them.
  private boolean hasMetadata;
  private final DeferredText timestamp = new DeferredText();
  private final DeferredText creationTimestamp = new DeferredText();

  void reset() {
    apiVersionStart = -1;
    kindEnd = -1;
    refVersionNameStart = -1;
    receivedNullStart = -1;
    stageNullStart = -1;
    hasMetadata = false;
    timestamp.clear();
    creationTimestamp.clear();
    edits.clear();
  }

  void kindEndsAt(int end) {
    kindEnd = end;
  }

  /** An apiVersion other than v1 stands at {@code [start, end)}. */
  void apiVersionAt(int start, int end) {
    apiVersionStart = start;
    apiVersionEnd = end;
  }

  /** requestReceivedTimestamp is null at {@code [start, end)}. */
  void receivedNullAt(int start, int end) {
    receivedNullStart = start;
    receivedNullEnd = end;
  }

  /** stageTimestamp is null at {@code [start, end)}. */
  void stageNullAt(int start, int end) {
    stageNullStart = start;
    stageNullEnd = end;
  }

  /** objectRef.apiVersion's name starts at {@code nameStart}, its value is {@code [start, end)}. */
  void refVersionAt(int nameStart, int start, int end) {
    refVersionNameStart = nameStart;
    refVersionStart = start;
    refVersionEnd = end;
  }

  /** Reads the deprecated {@code timestamp}, the request-received time at second precision. */
  void readTimestamp(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t != JsonToken.VALUE_NULL) {
      timestamp.keep(p, t, "timestamp");
    }
  }

  /** Reads the deprecated {@code metadata}, whose creationTimestamp is the stage time. */
  void readMetadata(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    JsonValues.expectObject(p, t, "metadata");
    hasMetadata = true;
    EventField.Metadata field = null;
    while ((field = metadataFields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      if (field == EventField.Metadata.CREATION_TIMESTAMP && v != JsonToken.VALUE_NULL) {
        creationTimestamp.keep(p, v, "metadata.creationTimestamp");
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * Brings a draft read in full to v1 and checks its required fields. Applied to any version, so
   * that hand-converted logs that kept only the deprecated fields still decode.
   *
   * @param inheritedVersion the apiVersion of the enclosing EventList, or null
   * @return the edits that make the raw JSON {@code [valueStart, valueEnd)} v1, or null when it is
   *     v1 already
   */
  Edits toV1(EventDraft d, String inheritedVersion, int valueStart, int valueEnd)
      throws InvalidField {
    String version = version(d.apiVersion, inheritedVersion);
    boolean derivedReceived = d.requestReceived == null && timestamp.isKept();
    if (derivedReceived) {
      d.requestReceived = timestamp.parse("timestamp");
    }
    boolean derivedStage = d.stageTime == null && creationTimestamp.isKept();
    if (derivedStage) {
      d.stageTime = creationTimestamp.parse("metadata.creationTimestamp");
    }
    d.checkRequired();
    if (version.equals(V1) && !derivedReceived && !derivedStage) {
      return null;
    }
    planApiVersion(d.apiVersion, valueStart);
    // Fields the conversion adds go last, where v1 keeps its times; a null one is replaced.
    int closingBrace = valueEnd - 1;
    if (derivedReceived) {
      planTime(receivedTimes, d.requestReceived, receivedNullStart, receivedNullEnd, closingBrace);
    }
    if (derivedStage) {
      planTime(stageTimes, d.stageTime, stageNullStart, stageNullEnd, closingBrace);
    }
    if (version.equals(V1ALPHA1)) {
      splitRefVersion(d);
    }
    return edits;
  }

  private String version(String apiVersion, String inheritedVersion) {
    if (apiVersion != null) {
      return apiVersion;
    }
    if (inheritedVersion != null) {
      return inheritedVersion;
    }
    // Falco's and other hand-made samples often drop apiVersion; the deprecated fields betray a
    // v1beta1 event.
    return timestamp.isKept() || hasMetadata ? V1BETA1 : V1;
  }

  private void planApiVersion(String apiVersion, int valueStart) {
    if (apiVersion != null) {
      if (!apiVersion.equals(V1)) {
        edits.add(apiVersionStart, apiVersionEnd, QUOTED_V1);
      }
    } else if (kindEnd >= 0) {
      edits.add(kindEnd, kindEnd, API_VERSION_AFTER);
    } else {
      // Right after the opening brace; the object has at least the required fields after it.
      edits.add(valueStart + 1, valueStart + 1, API_VERSION_BEFORE);
    }
  }

  private void planTime(TimeField times, Instant t, int nullStart, int nullEnd, int closingBrace) {
    if (nullStart >= 0) {
      edits.add(nullStart, nullEnd, times.quoted(t));
    } else {
      edits.add(closingBrace, closingBrace, times.field(t));
    }
  }

  // v1alpha1 objectRef.apiVersion is "group/version"; plain "v1" is the core group.
  private void splitRefVersion(EventDraft d) {
    String groupVersion = d.ref(Ref.API_VERSION);
    if (groupVersion == null || d.ref(Ref.API_GROUP) != null || refVersionNameStart < 0) {
      return;
    }
    int slash = groupVersion.lastIndexOf('/');
    if (slash < 0) {
      return;
    }
    String group = groupVersion.substring(0, slash);
    String version = groupVersion.substring(slash + 1);
    d.objectRef[Ref.API_GROUP.ordinal()] = group;
    d.objectRef[Ref.API_VERSION.ordinal()] = version;
    ByteSink text = new ByteSink(64);
    text.reset(Integer.MAX_VALUE);
    text.write("\"apiGroup\":");
    JsonSupport.appendJsonString(text, group);
    text.write(",");
    edits.add(refVersionNameStart, refVersionNameStart, text.toByteArray());
    text.reset(Integer.MAX_VALUE);
    JsonSupport.appendJsonString(text, version);
    edits.add(refVersionStart, refVersionEnd, text.toByteArray());
  }

  /**
   * The text of a deprecated timestamp, kept without building a String and parsed only when the
   * conversion needs it: v1 events that still carry one must not pay, nor fail, for it.
   */
  private static final class DeferredText {
    private final char[] chars = new char[64];
    private boolean kept;
    private int length;
    private String longText;

    void clear() {
      kept = false;
    }

    boolean isKept() {
      return kept;
    }

    void keep(JsonParser p, JsonToken t, String path) throws IOException, InvalidField {
      if (t != JsonToken.VALUE_STRING) {
        p.skipChildren();
        throw JsonValues.typeError(path, "string", t);
      }
      kept = true;
      length = p.getTextLength();
      if (length <= chars.length) {
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), chars, 0, length);
        longText = null;
      } else {
        longText = p.getText();
      }
    }

    Instant parse(String path) throws InvalidField {
      Instant t = longText == null ? Rfc3339.parse(chars, 0, length) : null;
      if (t == null) {
        String text = longText != null ? longText : new String(chars, 0, length);
        throw new InvalidField(
            path + ": expected an RFC 3339 timestamp, got " + JsonSupport.quote(text));
      }
      return t;
    }
  }

  /**
   * The text of one time field a conversion adds, for the last time seen: converted events come in
   * runs with the same second-precision times.
   */
  private static final class TimeField {
    private final String name;
    private Instant last;
    private byte[] quoted;
    private byte[] field;

    TimeField(String name) {
      this.name = name;
    }

    byte[] quoted(Instant t) {
      update(t);
      return quoted;
    }

    byte[] field(Instant t) {
      update(t);
      return field;
    }

    private void update(Instant t) {
      if (!t.equals(last)) {
        String value = "\"" + Rfc3339.formatMicros(t) + "\"";
        quoted = value.getBytes(StandardCharsets.UTF_8);
        field = (",\"" + name + "\":" + value).getBytes(StandardCharsets.UTF_8);
        last = t;
      }
    }
  }
}
