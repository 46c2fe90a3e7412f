package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  /** What decoding one JSON value came to. */
  sealed interface Outcome {
    /**
     * An event.
     *
     * @param end where the value ends, relative to where decoding started
     */
    record Decoded(AuditEvent event, int end) implements Outcome {}

    /**
     * A value that is not a valid event.
     *
     * @param end where the value ends, relative to where decoding started; -1 when the value could
     *     not be read to its end (a nesting limit stopped the parser)
     */
    record Invalid(String reason, int end) implements Outcome {}

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
  private final String[] objectRef = new String[8];
  private int objectRefVersionNameStart;
  private int objectRefVersionStart;
  private int objectRefVersionEnd;
  private int responseCode;
  private boolean hasResponseCode;
  private Instant requestReceived;
  private int requestReceivedNullStart;
  private int requestReceivedNullEnd;
  private Instant stageTime;
  private int stageNullStart;
  private int stageNullEnd;
  private String timestamp;
  private boolean hasMetadata;
  private String creationTimestamp;
  private Map<String, String> annotations;

  // Raw JSON edits for a conversion: replace [start, end) with text; start == end inserts.
  private final int[] editStart = new int[MAX_EDITS];
  private final int[] editEnd = new int[MAX_EDITS];
  private final String[] editText = new String[MAX_EDITS];
  private int edits;

  // Indexes into objectRef.
  private static final int RESOURCE = 0;
  private static final int NAMESPACE = 1;
  private static final int NAME = 2;
  private static final int UID = 3;
  private static final int API_GROUP = 4;
  private static final int API_VERSION = 5;
  private static final int RESOURCE_VERSION = 6;
  private static final int SUBRESOURCE = 7;

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
   * Decodes the JSON value in {@code src[start, end)}; trailing content after the value is left for
   * the caller (see {@link Outcome.Decoded#end()}).
   *
   * @param minify whether the raw JSON must drop insignificant whitespace (otherwise it is the
   *     value's bytes exactly, when no conversion rewrites it)
   * @param inheritedVersion the apiVersion of the enclosing EventList, or null
   * @param listAllowed whether an EventList is acceptable here
   * @throws com.fasterxml.jackson.core.JsonProcessingException when the text is not JSON
   */
  Outcome decode(
      byte[] src, int start, int end, boolean minify, String inheritedVersion, boolean listAllowed)
      throws IOException {
    try (JsonParser p = factory.createParser(src, start, end - start)) {
      try {
        return decode(p, src, start, minify, inheritedVersion, listAllowed);
      } catch (StreamConstraintsException e) {
        int depth = p.getParsingContext().getNestingDepth();
        if (depth > limits.maxNestingDepth()) {
          return new Outcome.Invalid(limits.tooDeep(depth), -1);
        }
        throw e;
      }
    }
  }

  private Outcome decode(
      JsonParser p,
      byte[] src,
      int start,
      boolean minify,
      String inheritedVersion,
      boolean listAllowed)
      throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      if (t == JsonToken.START_ARRAY && listAllowed) {
        return new Outcome.ListFound();
      }
      p.skipChildren();
      return new Outcome.Invalid(
          "expected an Event object, got " + JsonSupport.typeName(t), end(p));
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
      return new Outcome.Invalid(e.getMessage(), end(p));
    }
    if (kind != null && kind.equals("EventList")) {
      return new Outcome.ListFound();
    }
    int valueEnd = end(p);
    try {
      return new Outcome.Decoded(build(src, start, valueEnd, minify, inheritedVersion), valueEnd);
    } catch (InvalidField e) {
      return new Outcome.Invalid(e.getMessage(), valueEnd);
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
    hasObjectRef = false;
    Arrays.fill(objectRef, null);
    objectRefVersionNameStart = -1;
    hasResponseCode = false;
    requestReceived = null;
    requestReceivedNullStart = -1;
    stageTime = null;
    stageNullStart = -1;
    timestamp = null;
    hasMetadata = false;
    creationTimestamp = null;
    annotations = Map.of();
    edits = 0;
  }

  private void readFields(JsonParser p, boolean listAllowed) throws IOException, InvalidField {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "kind":
          readKind(p, t, listAllowed);
          if (kind != null && kind.equals("EventList")) {
            return;
          }
          break;
        case "apiVersion":
          if (t == JsonToken.VALUE_STRING) {
            apiVersionStart = tokenStart(p);
            apiVersion = p.getText();
            apiVersionEnd = end(p);
            if (!apiVersion.equals(V1)
                && !apiVersion.equals(V1BETA1)
                && !apiVersion.equals(V1ALPHA1)) {
              throw new InvalidField(
                  "apiVersion: expected one of "
                      + VERSIONS
                      + ", got "
                      + JsonSupport.quote(apiVersion));
            }
          } else if (t != JsonToken.VALUE_NULL) {
            throw typeError("apiVersion", "string", t);
          }
          break;
        case "level":
          level = readLevel(p, t);
          break;
        case "auditID":
          auditID = string(p, t, "auditID");
          break;
        case "stage":
          stage = readStage(p, t);
          break;
        case "requestURI":
          requestURI = string(p, t, "requestURI");
          break;
        case "verb":
          verb = string(p, t, "verb");
          break;
        case "user":
          user = readUser(p, t, "user");
          break;
        case "impersonatedUser":
          impersonatedUser = readUser(p, t, "impersonatedUser");
          break;
        case "sourceIPs":
          sourceIPs = stringArray(p, t, "sourceIPs");
          break;
        case "userAgent":
          userAgent = string(p, t, "userAgent");
          break;
        case "objectRef":
          readObjectRef(p, t);
          break;
        case "responseStatus":
          readResponseStatus(p, t);
          break;
        case "requestReceivedTimestamp":
          if (t == JsonToken.VALUE_NULL) {
            requestReceivedNullStart = tokenStart(p);
            requestReceivedNullEnd = end(p);
            requestReceived = null;
          } else {
            requestReceived = timestamp(p, t, "requestReceivedTimestamp");
          }
          break;
        case "stageTimestamp":
          if (t == JsonToken.VALUE_NULL) {
            stageNullStart = tokenStart(p);
            stageNullEnd = end(p);
            stageTime = null;
          } else {
            stageTime = timestamp(p, t, "stageTimestamp");
          }
          break;
        case "annotations":
          annotations = stringMap(p, t, "annotations");
          break;
        case "timestamp":
          // v1beta1/v1alpha1: the request-received time, second precision.
          timestamp = string(p, t, "timestamp");
          break;
        case "metadata":
          // v1beta1/v1alpha1: ObjectMeta whose creationTimestamp is the stage time.
          readMetadata(p, t);
          break;
        default:
          // requestObject, responseObject and fields kubetrail does not model.
          p.skipChildren();
          break;
      }
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
    String k = p.getText();
    kindEnd = end(p);
    if (k.equals("Event") || (listAllowed && k.equals("EventList"))) {
      kind = k;
      return;
    }
    throw new InvalidField("kind: expected string \"Event\", got " + JsonSupport.quote(k));
  }

  private static Level readLevel(JsonParser p, JsonToken t) throws IOException, InvalidField {
    String s = string(p, t, "level");
    if (s == null) {
      return null;
    }
    switch (s) {
      case "Metadata":
        return Level.Metadata;
      case "Request":
        return Level.Request;
      case "RequestResponse":
        return Level.RequestResponse;
      case "None":
        return Level.None;
      default:
        throw new InvalidField(
            "level: expected one of " + LEVELS + ", got " + JsonSupport.quote(s));
    }
  }

  private static Stage readStage(JsonParser p, JsonToken t) throws IOException, InvalidField {
    String s = string(p, t, "stage");
    if (s == null) {
      return null;
    }
    switch (s) {
      case "ResponseComplete":
        return Stage.ResponseComplete;
      case "RequestReceived":
        return Stage.RequestReceived;
      case "ResponseStarted":
        return Stage.ResponseStarted;
      case "Panic":
        return Stage.Panic;
      default:
        throw new InvalidField(
            "stage: expected one of " + STAGES + ", got " + JsonSupport.quote(s));
    }
  }

  private static Instant timestamp(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(path, "string", t);
    }
    Instant parsed = Rfc3339.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (parsed == null) {
      throw new InvalidField(
          path + ": expected an RFC 3339 timestamp, got " + JsonSupport.quote(p.getText()));
    }
    return parsed;
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
    String first = element(p, v, path, 0);
    v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of(first);
    }
    ArrayList<String> items = new ArrayList<>(4);
    items.add(first);
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

  private static UserInfo readUser(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, t, path);
    String username = "";
    String uid = "";
    List<String> groups = List.of();
    Map<String, List<String>> extra = Map.of();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (name) {
        case "username":
          username = orEmpty(string(p, v, path + ".username"));
          break;
        case "uid":
          uid = orEmpty(string(p, v, path + ".uid"));
          break;
        case "groups":
          groups = stringArray(p, v, path + ".groups");
          break;
        case "extra":
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
    String name;
    while ((name = p.nextFieldName()) != null) {
      int nameStart = tokenStart(p);
      JsonToken v = p.nextToken();
      switch (name) {
        case "resource":
          objectRef[RESOURCE] = string(p, v, "objectRef.resource");
          break;
        case "namespace":
          objectRef[NAMESPACE] = string(p, v, "objectRef.namespace");
          break;
        case "name":
          objectRef[NAME] = string(p, v, "objectRef.name");
          break;
        case "uid":
          objectRef[UID] = string(p, v, "objectRef.uid");
          break;
        case "apiGroup":
          objectRef[API_GROUP] = string(p, v, "objectRef.apiGroup");
          break;
        case "apiVersion":
          objectRef[API_VERSION] = string(p, v, "objectRef.apiVersion");
          if (objectRef[API_VERSION] != null) {
            objectRefVersionNameStart = nameStart;
            objectRefVersionStart = tokenStart(p);
            objectRefVersionEnd = end(p);
          }
          break;
        case "resourceVersion":
          objectRef[RESOURCE_VERSION] = string(p, v, "objectRef.resourceVersion");
          break;
        case "subresource":
          objectRef[SUBRESOURCE] = string(p, v, "objectRef.subresource");
          break;
        default:
          p.skipChildren();
          break;
      }
    }
  }

  private void readResponseStatus(JsonParser p, JsonToken t) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    expectObject(p, t, "responseStatus");
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (name.equals("code")) {
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
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (name.equals("creationTimestamp")) {
        creationTimestamp = string(p, v, "metadata.creationTimestamp");
      } else {
        p.skipChildren();
      }
    }
  }

  private AuditEvent build(
      byte[] src, int start, int valueEnd, boolean minify, String inheritedVersion)
      throws InvalidField {
    String version;
    if (apiVersion != null) {
      version = apiVersion;
    } else if (inheritedVersion != null) {
      version = inheritedVersion;
    } else {
      // Falco's and other hand-made samples often drop apiVersion; the deprecated fields betray
      // a v1beta1 event.
      version = timestamp != null || hasMetadata ? V1BETA1 : V1;
    }
    // v1beta1 -> v1 conversion (kube-apiserver release-1.23, audit/v1beta1/conversion.go): the
    // deprecated fields fill the v1 ones when those are zero. Applied to any version, so that
    // hand-converted logs that kept only the deprecated fields still decode.
    boolean derivedReceived = false;
    if (requestReceived == null && timestamp != null) {
      requestReceived = deprecatedTime(timestamp, "timestamp");
      derivedReceived = true;
    }
    boolean derivedStage = false;
    if (stageTime == null && creationTimestamp != null) {
      stageTime = deprecatedTime(creationTimestamp, "metadata.creationTimestamp");
      derivedStage = true;
    }
    checkRequired();

    String refGroup = objectRef[API_GROUP];
    String refVersion = objectRef[API_VERSION];
    boolean splitRefVersion = false;
    if (version.equals(V1ALPHA1) && refVersion != null && refGroup == null) {
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
      raw = minify ? minified(src, start, valueEnd) : RawJson.of(src, start, valueEnd);
    } else {
      planConversion(
          valueEnd, derivedReceived, derivedStage, splitRefVersion, refGroup, refVersion);
      raw = rewritten(src, start, valueEnd);
    }

    Optional<ObjectReference> ref =
        hasObjectRef
            ? Optional.of(
                new ObjectReference(
                    orEmpty(objectRef[RESOURCE]),
                    orEmpty(objectRef[NAMESPACE]),
                    orEmpty(objectRef[NAME]),
                    orEmpty(objectRef[UID]),
                    orEmpty(refGroup),
                    orEmpty(refVersion),
                    orEmpty(objectRef[RESOURCE_VERSION]),
                    orEmpty(objectRef[SUBRESOURCE])))
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
        requestReceived,
        stageTime,
        annotations,
        raw);
  }

  private static Instant deprecatedTime(String text, String path) throws InvalidField {
    Instant t = Rfc3339.parse(text);
    if (t == null) {
      throw new InvalidField(
          path + ": expected an RFC 3339 timestamp, got " + JsonSupport.quote(text));
    }
    return t;
  }

  private void checkRequired() throws InvalidField {
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
      int valueEnd,
      boolean derivedReceived,
      boolean derivedStage,
      boolean splitRefVersion,
      String refGroup,
      String refVersion) {
    String v1 = "\"" + V1 + "\"";
    if (apiVersionStart >= 0) {
      if (!apiVersion.equals(V1)) {
        edit(apiVersionStart, apiVersionEnd, v1);
      }
    } else if (kindEnd >= 0) {
      edit(kindEnd, kindEnd, ",\"apiVersion\":" + v1);
    } else {
      // Right after the opening brace; the object has at least the required fields after it.
      edit(1, 1, "\"apiVersion\":" + v1 + ",");
    }
    // Fields the conversion adds go last, where v1 keeps its timestamps; a null one is replaced.
    int closingBrace = valueEnd - 1;
    if (derivedReceived) {
      String value = "\"" + Rfc3339.formatMicros(requestReceived) + "\"";
      if (requestReceivedNullStart >= 0) {
        edit(requestReceivedNullStart, requestReceivedNullEnd, value);
      } else {
        edit(closingBrace, closingBrace, ",\"requestReceivedTimestamp\":" + value);
      }
    }
    if (derivedStage) {
      String value = "\"" + Rfc3339.formatMicros(stageTime) + "\"";
      if (stageNullStart >= 0) {
        edit(stageNullStart, stageNullEnd, value);
      } else {
        edit(closingBrace, closingBrace, ",\"stageTimestamp\":" + value);
      }
    }
    if (splitRefVersion) {
      ByteSink text = new ByteSink(64);
      text.reset(Integer.MAX_VALUE);
      text.write("\"apiGroup\":");
      JsonSupport.appendJsonString(text, refGroup);
      text.write(",");
      edit(
          objectRefVersionNameStart,
          objectRefVersionNameStart,
          new String(text.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
      text.reset(Integer.MAX_VALUE);
      JsonSupport.appendJsonString(text, refVersion);
      edit(
          objectRefVersionStart,
          objectRefVersionEnd,
          new String(text.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private void edit(int start, int end, String text) {
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

  private RawJson minified(byte[] src, int start, int valueEnd) {
    sink.reset(Integer.MAX_VALUE);
    minifier.reset();
    minifier.append(src, start, start + valueEnd, sink);
    return RawJson.adopt(sink.toByteArray());
  }

  // Applies the planned edits while minifying; every edit sits between tokens, outside strings.
  private RawJson rewritten(byte[] src, int start, int valueEnd) {
    sink.reset(Integer.MAX_VALUE);
    int at = 0;
    for (int i = 0; i < edits; i++) {
      minifier.reset();
      minifier.append(src, start + at, start + editStart[i], sink);
      sink.write(editText[i]);
      at = editEnd[i];
    }
    minifier.reset();
    minifier.append(src, start + at, start + valueEnd, sink);
    return RawJson.adopt(sink.toByteArray());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
