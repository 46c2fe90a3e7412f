package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Compact JSON text, written the way Go's {@code encoding/json} writes it (kube-apiserver's
 * encoder): no spaces, and {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped as {@code
 * \\u003c}-style sequences besides the usual escapes. Method names follow Jackson's generator.
 *
 * <p>Commas need no stack: a value or a closed container always wants a comma before whatever comes
 * next in the same container, a field name's value and a new container's first member never do.
 */
final class JsonOut {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder sb;
  private boolean needComma;

  /** Set while {@link Json#render} writes into this buffer. */
  boolean inUse;

  JsonOut(int capacity) {
    this.sb = new StringBuilder(capacity);
  }

  /** Starts over, keeping the buffer. */
  void reset() {
    sb.setLength(0);
    needComma = false;
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  private void separate() {
    if (needComma) {
      sb.append(',');
    }
  }

  void writeStartObject() {
    separate();
    sb.append('{');
    needComma = false;
  }

  void writeEndObject() {
    sb.append('}');
    needComma = true;
  }

  void writeStartArray() {
    separate();
    sb.append('[');
    needComma = false;
  }

  void writeEndArray() {
    sb.append(']');
    needComma = true;
  }

  void writeFieldName(String name) {
    separate();
    quote(name);
    sb.append(':');
    needComma = false;
  }

  void writeString(String value) {
    separate();
    quote(value);
    needComma = true;
  }

  void writeNumber(long value) {
    separate();
    sb.append(value);
    needComma = true;
  }

  void writeBoolean(boolean value) {
    separate();
    sb.append(value);
    needComma = true;
  }

  void writeNull() {
    separate();
    sb.append("null");
    needComma = true;
  }

  /** Writes JSON text that is already valid and compact, as it is. */
  void writeRawValue(String json) {
    separate();
    sb.append(json);
    needComma = true;
  }

  /** Writes members ({@code "a":1,"b":2}) that are already valid JSON into the open object. */
  void writeRawMembers(String members) {
    separate();
    sb.append(members);
    needComma = true;
  }

  void writeStringField(String name, String value) {
    writeFieldName(name);
    writeString(value);
  }

  void writeNumberField(String name, long value) {
    writeFieldName(name);
    writeNumber(value);
  }

  void writeBooleanField(String name, boolean value) {
    writeFieldName(name);
    writeBoolean(value);
  }

  void writeNullField(String name) {
    writeFieldName(name);
    writeNull();
  }

  void writeObjectFieldStart(String name) {
    writeFieldName(name);
    writeStartObject();
  }

  void writeArrayFieldStart(String name) {
    writeFieldName(name);
    writeStartArray();
  }

  /** Writes a tree in its own field order. Numbers in the trees here are integers. */
  void writeTree(JsonNode node) {
    if (node.isObject()) {
      writeStartObject();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        writeFieldName(f.getKey());
        writeTree(f.getValue());
      }
      writeEndObject();
    } else if (node.isArray()) {
      writeStartArray();
      for (JsonNode item : node) {
        writeTree(item);
      }
      writeEndArray();
    } else if (node.isTextual()) {
      writeString(node.textValue());
    } else if (node.isIntegralNumber()) {
      writeNumber(node.longValue());
    } else if (node.isBoolean()) {
      writeBoolean(node.booleanValue());
    } else if (node.isNull()) {
      writeNull();
    } else {
      writeRawValue(node.toString());
    }
  }

  private void quote(String s) {
    sb.append('"');
    int n = s.length();
    int run = 0;
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (!needsEscape(ch)) {
        continue;
      }
      sb.append(s, run, i);
      run = i + 1;
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default ->
            sb.append("\\u")
                .append(HEX[(ch >> 12) & 0xF])
                .append(HEX[(ch >> 8) & 0xF])
                .append(HEX[(ch >> 4) & 0xF])
                .append(HEX[ch & 0xF]);
      }
    }
    if (run == 0) {
      sb.append(s);
    } else {
      sb.append(s, run, n);
    }
    sb.append('"');
  }

  /** {@code value} as a JSON string literal. */
  static String quoted(String value) {
    JsonOut out = new JsonOut(value.length() + 8);
    out.quote(value);
    return out.toString();
  }

  private static final boolean[] ESCAPED_ASCII = new boolean[128];

  static {
    for (int ch = 0; ch < 0x20; ch++) {
      ESCAPED_ASCII[ch] = true;
    }
    for (char ch : new char[] {'"', '\\', '<', '>', '&'}) {
      ESCAPED_ASCII[ch] = true;
    }
  }

  private static boolean needsEscape(char ch) {
    return ch < 128 ? ESCAPED_ASCII[ch] : ch == '\u2028' || ch == '\u2029';
  }
}
