package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.kubetrail.event.EventField.Ref;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Decodes one JSON object holding an Event into an {@link AuditEvent}: reads only the modelled
 * fields with Jackson's streaming parser (skipping request and response bodies), checks their
 * types, converts {@code v1beta1} and {@code v1alpha1} events to v1, and keeps the raw JSON.
 *
 * <p>Not thread-safe: it reuses scratch buffers from one event to the next.
 */
final class EventDecoder {
  static final String V1 = "audit.k8s.io/v1";
  static final String V1BETA1 = "audit.k8s.io/v1beta1";
  static final String V1ALPHA1 = "audit.k8s.io/v1alpha1";

  private static final String LEVELS = "None, Metadata, Request, RequestResponse";
  private static final String STAGES = "RequestReceived, ResponseStarted, ResponseComplete, Panic";
  private static final String VERSIONS =
      JsonSupport.quote(V1)
          + ", "
          + JsonSupport.quote(V1BETA1)
          + ", "
          + JsonSupport.quote(V1ALPHA1);
  private static final int MAX_EDITS = 8;
  private static final byte[] QUOTED_V1 = ("\"" + V1 + "\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] API_VERSION_AFTER =
      (",\"apiVersion\":\"" + V1 + "\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] API_VERSION_BEFORE =
      ("\"apiVersion\":\"" + V1 + "\",").getBytes(StandardCharsets.UTF_8);
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

  /** A field with the wrong type or value; carries its path. No stack trace: it is bad data. */
  private static final class InvalidField extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidField(String message) {
      super(message, null, false, false);
    }
  }

  private final DecodeLimits limits;
  private final JsonFactory factory;
  private final ByteSink sink = new ByteSink(1 << 12);
  private final Minifier minifier = new Minifier();

  // Scratch state of the event being decoded.
  private String kind;
  private String apiVersion;
  private int apiVersionStart;
  private int apiVersionEnd;
  private int kindEnd;
  private Level level;
  private String auditID;
  private Stage stage;
  private String requestURI;
  private String verb;
  private String userAgent;
  private UserInfo user;
  private UserInfo impersonatedUser;
  private List<String> sourceIPs;
  private boolean hasObjectRef;
  private final String[] objectRef = new String[EventField.Ref.COUNT];
  private int objectRefVersionNameStart;
  private int objectRefVersionStart;
  private int objectRefVersionEnd;
  private int responseCode;
  private boolean hasResponseCode;
  private String responseName;
  private Instant requestReceived;
  private int requestReceivedNullStart;
  private int requestReceivedNullEnd;
  private Instant stageTime;
  private int stageNullStart;
  private int stageNullEnd;
  // Deprecated timestamps: kept when read, parsed only when a conversion needs them.
  private boolean hasTimestamp;
  private final DeferredText timestamp = new DeferredText();
  private boolean hasMetadata;
  private boolean hasCreationTimestamp;
  private final DeferredText creationTimestamp = new DeferredText();
  private Map<String, String> annotations;

  // Raw JSON edits for a conversion: replace [start, end) with text; start == end inserts.
  private final int[] editStart = new int[MAX_EDITS];
  private final int[] editEnd = new int[MAX_EDITS];
  private final byte[][] editText = new byte[MAX_EDITS][];
  private int edits;
  private final TimeField receivedTimes = new TimeField("requestReceivedTimestamp");
  private final TimeField stageTimes = new TimeField("stageTimestamp");

  private final FieldNames<EventField> eventFields = new FieldNames<>(EventField.class);
  private final FieldNames<EventField.User> userFields = new FieldNames<>(EventField.User.class);
  private final FieldNames<EventField.User> impersonatedUserFields =
      new FieldNames<>(EventField.User.class);
  private final FieldNames<EventField.Ref> objectRefFields = new FieldNames<>(EventField.Ref.class);
  private final FieldNames<EventField.Status> statusFields =
      new FieldNames<>(EventField.Status.class);
  private final FieldNames<EventField.Metadata> metadataFields =
      new FieldNames<>(EventField.Metadata.class);

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
    boolean multiLine = false;
    for (int i = start; i < end && !multiLine; i++) {
      multiLine = json[i] == '\n' || json[i] == '\r';
    }
    Outcome outcome;
    try {
      outcome = new EventDecoder(limits).decode(json, start, end, multiLine, null, false);
    } catch (JsonProcessingException e) {
      throw new AuditDecodeException(
          JsonSupport.describeSyntaxError(e, lineOf(json, start), columnOf(json, start)), e);
    } catch (IOException e) {
      // The input is in memory; only Jackson's own errors can occur.
      throw new UncheckedIOException(e);
    }
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
    if (outcome instanceof Outcome.Invalid invalid) {
      throw new AuditDecodeException(invalid.reason());
    }
    throw new AuditDecodeException("expected an Event, got an EventList");
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
    reset();
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
    if (kind != null && kind.equals("EventList")) {
      return new Outcome.ListFound();
    }
    JsonLocation end = p.currentLocation();
    int valueEnd = (int) end.getByteOffset();
    boolean multiLine = end.getLineNr() != startLine;
    try {
      AuditEvent event =
          build(src, srcBase, valueStart, valueEnd, minify || multiLine, inheritedVersion);
      return new Outcome.Decoded(event, valueEnd, multiLine);
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

  private void reset() {
    kind = null;
    apiVersion = null;
    apiVersionStart = -1;
    kindEnd = -1;
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
    objectRefVersionNameStart = -1;
    hasResponseCode = false;
    responseName = "";
    requestReceived = null;
    requestReceivedNullStart = -1;
    stageTime = null;
    stageNullStart = -1;
    hasTimestamp = false;
    hasMetadata = false;
    hasCreationTimestamp = false;
    annotations = Map.of();
    edits = 0;
  }

  private void readFields(JsonParser p, boolean listAllowed) throws IOException, InvalidField {
    EventField field = null;
    while ((field = eventFields.next(p, field)) != null) {
      JsonToken t = p.nextToken();
      switch (field) {
        case KIND:
          readKind(p, t, listAllowed);
          if (kind != null && kind.equals("EventList")) {
            return;
          }
          break;
        case API_VERSION:
          if (t == JsonToken.VALUE_STRING) {
            if (textEquals(p, V1)) {
              // Stays as it is: where it stands matters only to a conversion's edits.
              apiVersion = V1;
              break;
            }
            apiVersionStart = tokenStart(p);
            if (textEquals(p, V1BETA1)) {
              apiVersion = V1BETA1;
            } else if (textEquals(p, V1ALPHA1)) {
              apiVersion = V1ALPHA1;
            } else {
              throw new InvalidField(
                  "apiVersion: expected one of "
                      + VERSIONS
                      + ", got "
                      + JsonSupport.quote(p.getText()));
            }
            apiVersionEnd = end(p);
          } else if (t != JsonToken.VALUE_NULL) {
            throw typeError("apiVersion", "string", t);
          }
          break;
        case LEVEL:
          level = readEnum(p, t, "level", LEVEL_VALUES, LEVELS);
          break;
        case AUDIT_ID:
          auditID = string(p, t, "auditID");
          break;
        case STAGE:
          stage = readEnum(p, t, "stage", STAGE_VALUES, STAGES);
          break;
        case REQUEST_URI:
          requestURI = string(p, t, "requestURI");
          break;
        case VERB:
          verb = string(p, t, "verb");
          break;
        case USER:
          user = readUser(p, t, "user", userFields);
          break;
        case IMPERSONATED_USER:
          impersonatedUser = readUser(p, t, "impersonatedUser", impersonatedUserFields);
          break;
        case SOURCE_IPS:
          sourceIPs = stringArray(p, t, "sourceIPs");
          break;
        case USER_AGENT:
          userAgent = string(p, t, "userAgent");
          break;
        case OBJECT_REF:
          readObjectRef(p, t);
          break;
        case RESPONSE_STATUS:
          readResponseStatus(p, t);
          break;
        case REQUEST_RECEIVED:
          if (t == JsonToken.VALUE_NULL) {
            requestReceivedNullStart = tokenStart(p);
            requestReceivedNullEnd = end(p);
            requestReceived = null;
          } else {
            requestReceived = timestamp(p, t, "requestReceivedTimestamp");
          }
          break;
        case STAGE_TIMESTAMP:
          if (t == JsonToken.VALUE_NULL) {
            stageNullStart = tokenStart(p);
            stageNullEnd = end(p);
            stageTime = null;
          } else {
            stageTime = timestamp(p, t, "stageTimestamp");
          }
          break;
        case ANNOTATIONS:
          annotations = stringMap(p, t, "annotations");
          break;
        case TIMESTAMP:
          // v1beta1/v1alpha1: the request-received time, second precision.
          if (t != JsonToken.VALUE_NULL) {
            hasTimestamp = true;
            timestamp.keep(p, t, "timestamp");
          }
          break;
        case METADATA:
          // v1beta1/v1alpha1: ObjectMeta whose creationTimestamp is the stage time.
          readMetadata(p, t);
          break;
        case RESPONSE_OBJECT:
          if (t == JsonToken.START_OBJECT) {
            readResponseName(p);
          } else {
            p.skipChildren();
          }
          break;
        default:
          // requestObject and fields kubetrail does not model.
          p.skipChildren();
          break;
      }
    }
  }

  /**
   * Reads the response body for the name of the object it holds: {@code metadata.name}, else {@code
   * details.name}. The body is not modelled, so values of other types are passed over, not
   * rejected. Leaves the parser on the body's END_OBJECT.
   */
  private void readResponseName(JsonParser p) throws IOException {
    String metadataName = "";
    String detailsName = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
      } else if (field.equals("metadata")) {
        metadataName = nameIn(p);
      } else if (field.equals("details")) {
        detailsName = nameIn(p);
      } else {
        p.skipChildren();
      }
    }
    responseName = metadataName.isEmpty() ? detailsName : metadataName;
  }

  /** The string field {@code name} of the object being read, or "". Reads to its END_OBJECT. */
  private static String nameIn(JsonParser p) throws IOException {
    String name = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isName = p.currentName().equals("name");
      if (p.nextToken() == JsonToken.VALUE_STRING && isName) {
        name = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return name;
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
      kind = "Event";
    } else if (listAllowed && textEquals(p, "EventList")) {
      kind = "EventList";
    } else {
      throw new InvalidField(
          "kind: expected string \"Event\", got " + JsonSupport.quote(p.getText()));
    }
    kindEnd = end(p);
  }

  /** Reads an enum-valued string field; null when the field is JSON null. */
  private static <E extends Enum<E>> E readEnum(
      JsonParser p, JsonToken t, String field, E[] values, String allowed)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(field, "string", t);
    }
    for (E value : values) {
      if (textEquals(p, value.name())) {
        return value;
      }
    }
    throw new InvalidField(
        field + ": expected one of " + allowed + ", got " + JsonSupport.quote(p.getText()));
  }

  // Compares the current string token with s without building a String.
  private static boolean textEquals(JsonParser p, String s) throws IOException {
    int len = p.getTextLength();
    if (len != s.length()) {
      return false;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    for (int i = 0; i < len; i++) {
      if (c[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static Instant timestamp(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    Instant parsed = lenientTimestamp(p, t, path);
    if (parsed == null) {
      throw new InvalidField(
          path + ": expected an RFC 3339 timestamp, got " + JsonSupport.quote(p.getText()));
    }
    return parsed;
  }

  // A string that is not a timestamp gives null; anything but a string is a type error.
  private static Instant lenientTimestamp(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(path, "string", t);
    }
    return Rfc3339.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  private static String string(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    p.skipChildren();
    throw typeError(path, "string", t);
  }

  private static InvalidField typeError(String path, String expected, JsonToken got) {
    return new InvalidField(path + ": expected " + expected + ", got " + JsonSupport.typeName(got));
  }

  private static void expectObject(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object", t);
    }
  }

  private static List<String> stringArray(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw typeError(path, "array of strings", t);
    }
    JsonToken v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of();
    }
    // Immutable lists straight away for the usual one or two items (a source IP, a user's
    // groups), so that the records' List.copyOf has nothing to copy.
    String first = element(p, v, path, 0);
    v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of(first);
    }
    String second = element(p, v, path, 1);
    v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of(first, second);
    }
    ArrayList<String> items = new ArrayList<>(4);
    items.add(first);
    items.add(second);
    for (; v != JsonToken.END_ARRAY; v = p.nextToken()) {
      items.add(element(p, v, path, items.size()));
    }
    return List.copyOf(items);
  }

  private static String element(JsonParser p, JsonToken v, String path, int index)
      throws IOException, InvalidField {
    if (v != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(path + "[" + index + "]", "string", v);
    }
    return p.getText();
  }

  private static Map<String, String> stringMap(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object of strings", t);
    }
    HashMap<String, String> map = null;
    String key;
    while ((key = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_STRING) {
        p.skipChildren();
        throw typeError(path + "[" + JsonSupport.quote(key) + "]", "string", v);
      }
      if (map == null) {
        map = new HashMap<>();
      }
      map.put(key, p.getText());
    }
    return map == null ? Map.of() : Map.copyOf(map);
  }

  private static UserInfo readUser(
      JsonParser p, JsonToken t, String path, FieldNames<EventField.User> fields)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, t, path);
    String username = "";
    String uid = "";
    List<String> groups = List.of();
    Map<String, List<String>> extra = Map.of();
    EventField.User field = null;
    while ((field = fields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case USERNAME:
          username = orEmpty(string(p, v, path + ".username"));
          break;
        case UID:
          uid = orEmpty(string(p, v, path + ".uid"));
          break;
        case GROUPS:
          groups = stringArray(p, v, path + ".groups");
          break;
        case EXTRA:
          extra = readExtra(p, v, path + ".extra");
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    // Failed authentication is audited with "user": {}.
    if (username.isEmpty() && uid.isEmpty() && groups.isEmpty() && extra.isEmpty()) {
      return null;
    }
    return new UserInfo(username, uid, groups, extra);
  }

  private static Map<String, List<String>> readExtra(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object of string arrays", t);
    }
    LinkedHashMap<String, List<String>> extra = new LinkedHashMap<>();
    String key;
    while ((key = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      extra.put(key, stringArray(p, v, path + "[" + JsonSupport.quote(key) + "]"));
    }
    return Map.copyOf(extra);
  }

  private void readObjectRef(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    expectObject(p, t, "objectRef");
    hasObjectRef = true;
    EventField.Ref field = null;
    while ((field = objectRefFields.next(p, field)) != null) {
      if (field == EventField.Ref.OTHER) {
        p.nextToken();
        p.skipChildren();
        continue;
      }
      // Where objectRef.apiVersion stands matters only to a v1alpha1 conversion's edits.
      boolean mayBeAlpha = apiVersion == null || apiVersion.equals(V1ALPHA1);
      boolean refVersion = field == EventField.Ref.API_VERSION && mayBeAlpha;
      int nameStart = refVersion ? tokenStart(p) : -1;
      JsonToken v = p.nextToken();
      objectRef[field.ordinal()] = string(p, v, field.path);
      if (refVersion && objectRef[field.ordinal()] != null) {
        objectRefVersionNameStart = nameStart;
        objectRefVersionStart = tokenStart(p);
        objectRefVersionEnd = end(p);
      }
    }
  }

  private void readResponseStatus(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    expectObject(p, t, "responseStatus");
    EventField.Status field = null;
    while ((field = statusFields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      if (field == EventField.Status.CODE) {
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
          responseCode = p.getIntValue();
          hasResponseCode = true;
        } else if (v == JsonToken.VALUE_NULL) {
          hasResponseCode = false;
        } else {
          p.skipChildren();
          throw typeError("responseStatus.code", "integer", v);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private void readMetadata(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    expectObject(p, t, "metadata");
    hasMetadata = true;
    EventField.Metadata field = null;
    while ((field = metadataFields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      if (field == EventField.Metadata.CREATION_TIMESTAMP) {
        if (v != JsonToken.VALUE_NULL) {
          hasCreationTimestamp = true;
          creationTimestamp.keep(p, v, "metadata.creationTimestamp");
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private AuditEvent build(
      byte[] src,
      int srcBase,
      int valueStart,
      int valueEnd,
      boolean minify,
      String inheritedVersion)
      throws InvalidField {
    String version;
    if (apiVersion != null) {
      version = apiVersion;
    } else if (inheritedVersion != null) {
      version = inheritedVersion;
    } else {
      // Falco's and other hand-made samples often drop apiVersion; the deprecated fields betray
      // a v1beta1 event.
      version = hasTimestamp || hasMetadata ? V1BETA1 : V1;
    }
    // v1beta1 -> v1 conversion (kube-apiserver release-1.23, audit/v1beta1/conversion.go): the
    // deprecated fields fill the v1 ones when those are zero. Applied to any version, so that
    // hand-converted logs that kept only the deprecated fields still decode.
    boolean derivedReceived = false;
    if (requestReceived == null && hasTimestamp) {
      requestReceived = timestamp.parse("timestamp");
      derivedReceived = true;
    }
    boolean derivedStage = false;
    if (stageTime == null && hasCreationTimestamp) {
      stageTime = creationTimestamp.parse("metadata.creationTimestamp");
      derivedStage = true;
    }
    checkRequired();

    String refGroup = objectRef[Ref.API_GROUP.ordinal()];
    String refVersion = objectRef[Ref.API_VERSION.ordinal()];
    boolean splitRefVersion = false;
    if (version.equals(V1ALPHA1)
        && refVersion != null
        && refGroup == null
        && objectRefVersionNameStart >= 0) {
      // v1alpha1 objectRef.apiVersion is "group/version"; plain "v1" is the core group.
      int slash = refVersion.lastIndexOf('/');
      if (slash >= 0) {
        refGroup = refVersion.substring(0, slash);
        refVersion = refVersion.substring(slash + 1);
        splitRefVersion = true;
      }
    }

    boolean converted = !version.equals(V1) || derivedReceived || derivedStage;
    RawJson raw;
    if (!converted) {
      raw =
          minify
              ? minified(src, srcBase + valueStart, srcBase + valueEnd)
              : RawJson.of(src, srcBase + valueStart, valueEnd - valueStart);
    } else {
      planConversion(
          valueStart,
          valueEnd,
          derivedReceived,
          derivedStage,
          splitRefVersion,
          refGroup,
          refVersion);
      raw = rewritten(src, srcBase, valueStart, valueEnd);
    }

    Optional<ObjectReference> ref =
        hasObjectRef
            ? Optional.of(
                new ObjectReference(
                    orEmpty(objectRef[Ref.RESOURCE.ordinal()]),
                    orEmpty(objectRef[Ref.NAMESPACE.ordinal()]),
                    orEmpty(objectRef[Ref.NAME.ordinal()]),
                    orEmpty(objectRef[Ref.UID.ordinal()]),
                    orEmpty(refGroup),
                    orEmpty(refVersion),
                    orEmpty(objectRef[Ref.RESOURCE_VERSION.ordinal()]),
                    orEmpty(objectRef[Ref.SUBRESOURCE.ordinal()])))
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

  /**
   * The text of a deprecated timestamp, kept without building a String and parsed only when the
   * conversion needs it: v1 events that still carry one must not pay, nor fail, for it.
   */
  private static final class DeferredText {
    private final char[] chars = new char[64];
    private int length;
    private String longText;

    void keep(JsonParser p, JsonToken t, String path) throws IOException, InvalidField {
      if (t != JsonToken.VALUE_STRING) {
        p.skipChildren();
        throw typeError(path, "string", t);
      }
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

  private void checkRequired() throws InvalidField {
    if (auditID != null
        && stage != null
        && verb != null
        && level != null
        && requestURI != null
        && requestReceived != null
        && stageTime != null) {
      return;
    }
    StringBuilder missing = null;
    int count = 0;
    String[] names = {
      "auditID",
      "stage",
      "verb",
      "level",
      "requestURI",
      "requestReceivedTimestamp",
      "stageTimestamp"
    };
    Object[] values = {auditID, stage, verb, level, requestURI, requestReceived, stageTime};
    for (int i = 0; i < names.length; i++) {
      if (values[i] == null) {
        missing = missing == null ? new StringBuilder() : missing.append(", ");
        missing.append(names[i]);
        count++;
      }
    }
    if (missing != null) {
      throw new InvalidField(
          missing + (count == 1 ? ": required field is missing" : ": required fields are missing"));
    }
  }

  private void planConversion(
      int valueStart,
      int valueEnd,
      boolean derivedReceived,
      boolean derivedStage,
      boolean splitRefVersion,
      String refGroup,
      String refVersion) {
    if (apiVersion != null) {
      if (!apiVersion.equals(V1)) {
        edit(apiVersionStart, apiVersionEnd, QUOTED_V1);
      }
    } else if (kindEnd >= 0) {
      edit(kindEnd, kindEnd, API_VERSION_AFTER);
    } else {
      // Right after the opening brace; the object has at least the required fields after it.
      edit(valueStart + 1, valueStart + 1, API_VERSION_BEFORE);
    }
    // Fields the conversion adds go last, where v1 keeps its timestamps; a null one is replaced.
    int closingBrace = valueEnd - 1;
    if (derivedReceived) {
      if (requestReceivedNullStart >= 0) {
        edit(
            requestReceivedNullStart,
            requestReceivedNullEnd,
            receivedTimes.quoted(requestReceived));
      } else {
        edit(closingBrace, closingBrace, receivedTimes.field(requestReceived));
      }
    }
    if (derivedStage) {
      if (stageNullStart >= 0) {
        edit(stageNullStart, stageNullEnd, stageTimes.quoted(stageTime));
      } else {
        edit(closingBrace, closingBrace, stageTimes.field(stageTime));
      }
    }
    if (splitRefVersion) {
      ByteSink text = new ByteSink(64);
      text.reset(Integer.MAX_VALUE);
      text.write("\"apiGroup\":");
      JsonSupport.appendJsonString(text, refGroup);
      text.write(",");
      edit(objectRefVersionNameStart, objectRefVersionNameStart, text.toByteArray());
      text.reset(Integer.MAX_VALUE);
      JsonSupport.appendJsonString(text, refVersion);
      edit(objectRefVersionStart, objectRefVersionEnd, text.toByteArray());
    }
  }

  /**
   * The text of one timestamp field a conversion adds, for the last time seen: converted events
   * come in runs with the same second-precision times.
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

  private void edit(int start, int end, byte[] text) {
    int i = edits++;
    // Keep edits ordered by position (insertion sort; there are at most a handful).
    while (i > 0 && editStart[i - 1] > start) {
      editStart[i] = editStart[i - 1];
      editEnd[i] = editEnd[i - 1];
      editText[i] = editText[i - 1];
      i--;
    }
    editStart[i] = start;
    editEnd[i] = end;
    editText[i] = text;
  }

  private RawJson minified(byte[] src, int from, int to) {
    if (Minifier.certainlyCompact(src, from, to)) {
      return RawJson.of(src, from, to - from);
    }
    sink.reset(Integer.MAX_VALUE);
    minifier.reset();
    minifier.append(src, from, to, sink);
    return RawJson.adopt(sink.toByteArray());
  }

  // Applies the planned edits, minifying unless the value is compact already; every edit sits
  // between tokens, outside strings.
  private RawJson rewritten(byte[] src, int srcBase, int valueStart, int valueEnd) {
    boolean compact = Minifier.certainlyCompact(src, srcBase + valueStart, srcBase + valueEnd);
    sink.reset(Integer.MAX_VALUE);
    int at = valueStart;
    for (int i = 0; i < edits; i++) {
      copy(src, srcBase + at, srcBase + editStart[i], compact);
      sink.write(editText[i], 0, editText[i].length);
      at = editEnd[i];
    }
    copy(src, srcBase + at, srcBase + valueEnd, compact);
    return RawJson.adopt(sink.toByteArray());
  }

  private void copy(byte[] src, int from, int to, boolean compact) {
    if (compact) {
      sink.write(src, from, to - from);
    } else {
      minifier.reset();
      minifier.append(src, from, to, sink);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
