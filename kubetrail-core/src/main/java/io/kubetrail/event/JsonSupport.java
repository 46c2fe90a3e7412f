package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Jackson set-up and the wording of JSON errors shared by the decoders. */
final class JsonSupport {
  private static final Map<Long, JsonFactory> FACTORIES = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_FACTORIES = 64;
  private static final int MAX_QUOTED_CHARS = 100;
  private static final Pattern LOCATION =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+)(?:, column: (\\d+))?\\]");

  private JsonSupport() {}

  /**
   * A factory whose parsers stop at the given nesting depth and string length. Factories are
   * thread-safe and costly to build, so they are shared.
   */
  static JsonFactory factory(int maxNestingDepth, int maxStringLength) {
    long key = ((long) maxNestingDepth << 32) | (maxStringLength & 0xffffffffL);
    JsonFactory cached = FACTORIES.get(key);
    if (cached != null) {
      return cached;
    }
    JsonFactory created =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxNestingDepth)
                    .maxStringLength(maxStringLength)
                    .build())
            // Field names come from untrusted input: canonicalise them, but keep them out of the
            // JVM's string table.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    if (FACTORIES.size() < MAX_CACHED_FACTORIES) {
      JsonFactory raced = FACTORIES.putIfAbsent(key, created);
      return raced != null ? raced : created;
    }
    return created;
  }

  /** The JSON type a token starts, as messages name it. */
  static String typeName(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.name();
    }
  }

  /** A string value as a message shows it: JSON-quoted, control characters escaped, shortened. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED_CHARS) + 8).append('"');
    int n = Math.min(s.length(), MAX_QUOTED_CHARS);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(unicodeEscape(c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > n) {
      b.append("...");
    }
    return b.append('"').toString();
  }

  private static String unicodeEscape(char c) {
    String hex = Integer.toHexString(c);
    return "\\u" + "0000".substring(hex.length()) + hex;
  }

  private static String escapeControls(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(unicodeEscape(c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** Appends {@code s} as a JSON string literal. */
  static void appendJsonString(ByteSink out, String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(unicodeEscape(c));
      } else {
        b.append(c);
      }
    }
    out.write(b.append('"').toString());
  }

  /**
   * Describes a syntax error as {@code malformed JSON at line L, column C: what was expected}.
   * Jackson counts lines and columns from where its input began; {@code firstLine} and {@code
   * firstColumn} say where that was in the source.
   */
  static String describeSyntaxError(JsonProcessingException e, long firstLine, long firstColumn) {
    JsonLocation loc = e.getLocation();
    String what = relocate(e.getOriginalMessage(), firstLine, firstColumn);
    if (loc == null || loc.getLineNr() < 1) {
      return "malformed JSON: " + what;
    }
    return "malformed JSON at "
        + position(loc.getLineNr(), loc.getColumnNr(), firstLine, firstColumn)
        + ": "
        + what;
  }

  /** {@code line L, column C} in source terms for a location Jackson reported. */
  static String position(int jacksonLine, int jacksonColumn, long firstLine, long firstColumn) {
    long line = firstLine + jacksonLine - 1;
    long column = jacksonLine == 1 ? firstColumn + jacksonColumn - 1 : jacksonColumn;
    return "line " + line + ", column " + column;
  }

  // Jackson's messages embed locations as "[Source: ...; line: 1, column: 5]", and may quote the
  // input, whose control characters must not reach a log or terminal as they are.
  private static String relocate(String message, long firstLine, long firstColumn) {
    if (message == null) {
      return "unreadable JSON";
    }
    message = escapeControls(message);
    Matcher m = LOCATION.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int line = Integer.parseInt(m.group(1));
      String where =
          m.group(2) == null
              ? "line " + (firstLine + line - 1)
              : position(line, Integer.parseInt(m.group(2)), firstLine, firstColumn);
      m.appendReplacement(out, Matcher.quoteReplacement(where));
    }
    m.appendTail(out);
    return out.toString();
  }
}
