package io.kubetrail.event;

import static io.kubetrail.event.JsonValues.string;
import static io.kubetrail.event.JsonValues.textEquals;
import static io.kubetrail.event.JsonValues.typeError;
import static io.kubetrail.event.VersionConversion.V1;
import static io.kubetrail.event.VersionConversion.V1ALPHA1;
import static io.kubetrail.event.VersionConversion.V1BETA1;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.kubetrail.event.EventField.Ref;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Decodes one JSON object holding an Event into an {@link AuditEvent}: reads only the modelled
 * fields (the {@link EventField} table) with Jackson's streaming parser, skipping request and
 * response bodies, checks their types, has {@link VersionConversion} convert {@code v1beta1} and
 * {@code v1alpha1} events to v1, and keeps the raw JSON (through {@link RawJsonWriter}).
 *
 * <p>Not thread-safe: it reuses scratch state from one event to the next.
 */
final class EventDecoder {
  private static final String LEVELS = "None, Metadata, Request, RequestResponse";
  private static final String STAGES = "RequestReceived, ResponseStarted, ResponseComplete, Panic";
  private static final String VERSIONS =
      JsonSupport.quote(V1)
          + ", "
          + JsonSupport.quote(V1BETA1)
          + ", "
          + JsonSupport.quote(V1ALPHA1);
  private static final Level[] LEVEL_VALUES = Level.values();
  private static final Stage[] STAGE_VALUES = Stage.values();

  /** What decoding one JSON value came to. */
  sealed interface Outcome {
    /**
     * An event.
     *
     * @param end where the value ends, as the parser counts (from the start of its input)
     * @param multiLine whether the value spans lines
     */
    record Decoded(AuditEvent event, int end, boolean multiLine) implements Outcome {}

    /**
     * A value that is not a valid event.
     *
     * @param end where the value ends, as the parser counts; -1 when the value could not be read to
     *     its end (a nesting limit stopped the parser, which cannot go on)
     * @param multiLine whether the value spans lines
     */
    record Invalid(String reason, int end, boolean multiLine) implements Outcome {}

    /** An EventList (or a JSON array of events), which the caller reads item by item. */
    record ListFound() implements Outcome {}
  }

  // Documents decoded one at a time (webhook bodies, export records) reuse a decoder per thread:
  // building one costs more than decoding a small event.
  private static final ThreadLocal<EventDecoder> DOCUMENT_DECODERS = new ThreadLocal<>();

  private final DecodeLimits limits;
  private final JsonFactory factory;
  private final EventDraft draft = new EventDraft();
  private final VersionConversion conversion = new VersionConversion();
  private final RawJsonWriter rawJson = new RawJsonWriter();
  private final FieldNames<EventField> eventFields = new FieldNames<>(EventField.class);
  private final FieldNames<EventField.User> userFields = new FieldNames<>(EventField.User.class);
  private final FieldNames<EventField.User> impersonatedUserFields =
      new FieldNames<>(EventField.User.class);
  private final FieldNames<Ref> objectRefFields = new FieldNames<>(Ref.class);
  private final FieldNames<EventField.Status> statusFields =
      new FieldNames<>(EventField.Status.class);

  EventDecoder(DecodeLimits limits) {
    this.limits = limits;
    this.factory =
        JsonSupport.factory(
            limits.maxNestingDepth(), Math.max(limits.maxEventBytes(), limits.maxLineBytes()));
  }

  /** Decodes a document that holds exactly one Event, for {@link AuditEventReader#decode}. */
  static AuditEvent decodeDocument(byte[] json, DecodeLimits limits) throws AuditDecodeException {
    int start = 0;
    int end = json.length;
    if (end >= 3 && json[0] == (byte) 0xef && json[1] == (byte) 0xbb && json[2] == (byte) 0xbf) {
      start = 3;
    }
    while (start < end && isWhitespace(json[start])) {
      start++;
    }
    while (end > start && isWhitespace(json[end - 1])) {
      end--;
    }
    if (start == end) {
      throw new AuditDecodeException("no JSON value: expected an Event");
    }
    if (end - start > limits.maxEventBytes()) {
      throw new AuditDecodeException(limits.eventTooLarge(end - start));
    }
    // A value spread over lines is minified without being asked: the parser sees its lines.
    Outcome outcome = decodeAlone(json, start, end, false, null, limits);
    if (outcome instanceof Outcome.Decoded decoded) {
      int after = start + decoded.end();
      while (after < end && isWhitespace(json[after])) {
        after++;
      }
      if (after < end) {
        throw new AuditDecodeException(
            "unexpected content after the event at line "
                + lineOf(json, after)
                + ", column "
                + columnOf(json, after));
      }
      return decoded.event();
    }
    throw refused(outcome);
  }

  /** Decodes one EventList item in place, for {@link AuditEventReader#decodeListItem}. */
  static AuditEvent decodeListItem(
      byte[] src, int start, int end, String listVersion, DecodeLimits limits)
      throws AuditDecodeException {
    // Minified, as the reader takes an EventList's items; compact text is taken as it is.
    Outcome outcome =
        decodeAlone(src, start, end, true, VersionConversion.inherited(listVersion), limits);
    if (outcome instanceof Outcome.Decoded decoded) {
      int size = decoded.event().json().length();
      if (size > limits.maxEventBytes()) {
        throw new AuditDecodeException(limits.eventTooLarge(size));
      }
      return decoded.event();
    }
    throw refused(outcome);
  }

  /** Decodes a value held in memory on its own, with this thread's decoder. */
  private static Outcome decodeAlone(
      byte[] src, int start, int end, boolean minify, String inherited, DecodeLimits limits)
      throws AuditDecodeException {
    EventDecoder decoder = DOCUMENT_DECODERS.get();
    if (decoder == null || decoder.limits != limits) {
      decoder = new EventDecoder(limits);
      DOCUMENT_DECODERS.set(decoder);
    }
    try {
      return decoder.decode(src, start, end, minify, inherited, false);
    } catch (JsonProcessingException e) {
      throw new AuditDecodeException(
          JsonSupport.describeSyntaxError(e, lineOf(src, start), columnOf(src, start)), e);
    } catch (IOException e) {
      // The input is in memory; only Jackson's own errors can occur.
      throw new UncheckedIOException(e);
    }
  }

  /** Why a value decoded on its own is not an event. */
  private static AuditDecodeException refused(Outcome outcome) {
    if (outcome instanceof Outcome.Invalid invalid) {
      return new AuditDecodeException(invalid.reason());
    }
    return new AuditDecodeException("expected an Event, got an EventList");
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static long lineOf(byte[] text, int offset) {
    long line = 1;
    for (int i = 0; i < offset; i++) {
      if (text[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static long columnOf(byte[] text, int offset) {
    int lineStart = offset;
    while (lineStart > 0 && text[lineStart - 1] != '\n') {
      lineStart--;
    }
    return offset - lineStart + 1;
  }

  /**
   * Decodes the JSON value in {@code src[start, end)} with a parser of its own; trailing content
   * after the value is left for the caller (see {@link Outcome.Decoded#end()}, relative to {@code
   * start}).
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException when the text is not JSON
   */
  Outcome decode(
      byte[] src, int start, int end, boolean minify, String inheritedVersion, boolean listAllowed)
      throws IOException {
    try (JsonParser p = factory.createParser(src, start, end - start)) {
      if (p.nextToken() == null) {
        return new Outcome.Invalid("no JSON value: expected an Event", 0, false);
      }
      return decode(p, src, start, minify, inheritedVersion, listAllowed);
    }
  }

  /** A parser for a run of values in {@code src[start, end)}, to hand to {@link #decode}. */
  JsonParser parser(byte[] src, int start, int end) throws IOException {
    return factory.createParser(src, start, end - start);
  }

  /**
   * Decodes the value whose first token {@code p} has just returned, reading to its end. Offsets in
   * the outcome are the parser's, that is relative to {@code srcBase}, where the parser's input
   * starts in {@code src}.
   *
   * @param minify whether the raw JSON must drop insignificant whitespace even when the value sits
   *     on one line (a value spread over lines always loses it); otherwise the raw JSON is the
   *     value's bytes exactly, unless a conversion rewrites it
   * @param inheritedVersion the apiVersion of the enclosing EventList, or null
   * @param listAllowed whether an EventList (or an array of events) is acceptable here
   * @throws com.fasterxml.jackson.core.JsonProcessingException when the text is not JSON; the
   *     parser cannot be used any further
   */
  Outcome decode(
      JsonParser p,
      byte[] src,
      int srcBase,
      boolean minify,
      String inheritedVersion,
      boolean listAllowed)
      throws IOException {
    return decode(p, p.currentTokenLocation(), src, srcBase, minify, inheritedVersion, listAllowed);
  }

  /** As above, given where the value's first token is. */
  Outcome decode(
      JsonParser p,
      JsonLocation startLocation,
      byte[] src,
      int srcBase,
      boolean minify,
      String inheritedVersion,
      boolean listAllowed)
      throws IOException {
    try {
      return decodeValue(
          p,
          src,
          srcBase,
          (int) startLocation.getByteOffset(),
          startLocation.getLineNr(),
          minify,
          inheritedVersion,
          listAllowed);
    } catch (StreamConstraintsException e) {
      int depth = p.getParsingContext().getNestingDepth();
      if (depth > limits.maxNestingDepth()) {
        return new Outcome.Invalid(limits.tooDeep(depth), -1, false);
      }
      throw e;
    }
  }

  private Outcome decodeValue(
      JsonParser p,
      byte[] src,
      int srcBase,
      int valueStart,
      int startLine,
      boolean minify,
      String inheritedVersion,
      boolean listAllowed)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_OBJECT) {
      if (t == JsonToken.START_ARRAY && listAllowed) {
        return new Outcome.ListFound();
      }
      p.skipChildren();
      // A scalar never spans lines, though the parser may have looked past a number's end.
      return new Outcome.Invalid(
          "expected an Event object, got " + JsonSupport.typeName(t),
          (int) p.currentLocation().getByteOffset(),
          false);
    }
    draft.reset();
    conversion.reset();
    try {
      readFields(p, listAllowed);
    } catch (InvalidField e) {
      while (!p.getParsingContext().inRoot()) {
        if (p.nextToken() == null) {
          break;
        }
      }
      JsonLocation end = p.currentLocation();
      return new Outcome.Invalid(
          e.getMessage(), (int) end.getByteOffset(), end.getLineNr() != startLine);
    }
    if (draft.isList()) {
      return new Outcome.ListFound();
    }
    JsonLocation end = p.currentLocation();
    int valueEnd = (int) end.getByteOffset();
    boolean multiLine = end.getLineNr() != startLine;
    try {
      Edits edits = conversion.toV1(draft, inheritedVersion, valueStart, valueEnd);
      RawJson raw;
      if (edits != null) {
        raw = rawJson.rewritten(src, srcBase, valueStart, valueEnd, edits);
      } else if (minify || multiLine) {
        raw = rawJson.minified(src, srcBase, valueStart, valueEnd);
      } else {
        raw = rawJson.copy(src, srcBase, valueStart, valueEnd);
      }
      return new Outcome.Decoded(draft.toEvent(raw), valueEnd, multiLine);
    } catch (InvalidField e) {
      return new Outcome.Invalid(e.getMessage(), valueEnd, multiLine);
    }
  }

  private static int end(JsonParser p) {
    return (int) p.currentLocation().getByteOffset();
  }

  private static int tokenStart(JsonParser p) {
    return (int) p.currentTokenLocation().getByteOffset();
  }

  private void readFields(JsonParser p, boolean listAllowed) throws IOException, InvalidField {
    EventField field = null;
    while ((field = eventFields.next(p, field)) != null) {
      JsonToken t = p.nextToken();
      readField(p, field, t, listAllowed);
      if (field == EventField.KIND && draft.isList()) {
        return;
      }
    }
  }

  private void readField(JsonParser p, EventField field, JsonToken t, boolean listAllowed)
      throws IOException, InvalidField {
    EventDraft d = draft;
    switch (field) {
      case KIND -> readKind(p, t, listAllowed);
      case API_VERSION -> readApiVersion(p, t);
      case LEVEL -> d.level = JsonValues.enumValue(p, t, "level", LEVEL_VALUES, LEVELS);
      case AUDIT_ID -> d.auditID = string(p, t, "auditID");
      case STAGE -> d.stage = JsonValues.enumValue(p, t, "stage", STAGE_VALUES, STAGES);
      case REQUEST_URI -> d.requestURI = string(p, t, "requestURI");
      case VERB -> d.verb = string(p, t, "verb");
      case USER -> d.user = JsonValues.user(p, t, field, userFields);
      case IMPERSONATED_USER ->
          d.impersonatedUser = JsonValues.user(p, t, field, impersonatedUserFields);
      case SOURCE_IPS -> d.sourceIPs = JsonValues.stringArray(p, t, "sourceIPs");
      case USER_AGENT -> d.userAgent = string(p, t, "userAgent");
      case OBJECT_REF -> readObjectRef(p, t);
      case RESPONSE_STATUS -> readResponseStatus(p, t);
      case REQUEST_RECEIVED -> readRequestReceived(p, t);
      case STAGE_TIMESTAMP -> readStageTimestamp(p, t);
      case ANNOTATIONS -> d.annotations = JsonValues.stringMap(p, t, "annotations");
      case TIMESTAMP -> conversion.readTimestamp(p, t);
      case METADATA -> conversion.readMetadata(p, t);
      case RESPONSE_OBJECT -> {
        if (t == JsonToken.START_OBJECT) {
          d.responseName = JsonValues.responseName(p);
        } else {
          p.skipChildren();
        }
      }
      // requestObject and fields kubetrail does not model.
      case REQUEST_OBJECT, OTHER -> p.skipChildren();
    }
  }

  private void readKind(JsonParser p, JsonToken t, boolean listAllowed)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError("kind", "string \"Event\"", t);
    }
    if (textEquals(p, "Event")) {
      draft.kind = "Event";
    } else if (listAllowed && textEquals(p, "EventList")) {
      draft.kind = "EventList";
    } else {
      throw new InvalidField(
          "kind: expected string \"Event\", got " + JsonSupport.quote(p.getText()));
    }
    conversion.kindEndsAt(end(p));
  }

  private void readApiVersion(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw typeError("apiVersion", "string", t);
    }
    if (textEquals(p, V1)) {
      // Stays as it is: where it stands matters only to a conversion's edits.
      draft.apiVersion = V1;
      return;
    }
    if (textEquals(p, V1BETA1)) {
      draft.apiVersion = V1BETA1;
    } else if (textEquals(p, V1ALPHA1)) {
      draft.apiVersion = V1ALPHA1;
    } else {
      throw new InvalidField(
          "apiVersion: expected one of " + VERSIONS + ", got " + JsonSupport.quote(p.getText()));
    }
    conversion.apiVersionAt(tokenStart(p), end(p));
  }

  private void readRequestReceived(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      conversion.receivedNullAt(tokenStart(p), end(p));
      draft.requestReceived = null;
    } else {
      draft.requestReceived = JsonValues.timestamp(p, t, "requestReceivedTimestamp");
    }
  }

  private void readStageTimestamp(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      conversion.stageNullAt(tokenStart(p), end(p));
      draft.stageTime = null;
    } else {
      draft.stageTime = JsonValues.timestamp(p, t, "stageTimestamp");
    }
  }

  private void readObjectRef(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    JsonValues.expectObject(p, t, "objectRef");
    draft.hasObjectRef = true;
    Ref field = null;
    while ((field = objectRefFields.next(p, field)) != null) {
      if (field == Ref.OTHER) {
        p.nextToken();
        p.skipChildren();
        continue;
      }
      // Where objectRef.apiVersion stands matters only to a v1alpha1 conversion's edits.
      boolean placed =
          field == Ref.API_VERSION
              && (draft.apiVersion == null || draft.apiVersion.equals(V1ALPHA1));
      int nameStart = placed ? tokenStart(p) : -1;
      JsonToken v = p.nextToken();
      String value = string(p, v, field.path);
      draft.objectRef[field.ordinal()] = value;
      if (placed && value != null) {
        conversion.refVersionAt(nameStart, tokenStart(p), end(p));
      }
    }
  }

  private void readResponseStatus(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    JsonValues.expectObject(p, t, "responseStatus");
    EventField.Status field = null;
    while ((field = statusFields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      if (field != EventField.Status.CODE) {
        p.skipChildren();
      } else if (v == JsonToken.VALUE_NUMBER_INT
          && p.getNumberType() == JsonParser.NumberType.INT) {
        draft.responseCode = p.getIntValue();
        draft.hasResponseCode = true;
      } else if (v == JsonToken.VALUE_NULL) {
        draft.hasResponseCode = false;
      } else {
        p.skipChildren();
        throw typeError("responseStatus.code", "integer", v);
      }
    }
  }
}
