package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON tree as YAML block text, laid out as {@code kubectl get -o yaml} prints objects: mappings
 * indented by two spaces, a sequence's dashes at its key's indentation, a mapping inside a sequence
 * item starting on the dash's line, {@code {}} and {@code []} for empty collections. Scalars are
 * plain where the YAML 1.1 spec (which kubectl and the parsers here follow) reads them back as the
 * same string, else double-quoted on one line with escapes; long strings are never folded, so that
 * a change of one word is a change of one line in a diff.
 *
 * <p>Plain is chosen conservatively: printable ASCII only, no flow indicators, nothing a YAML 1.1
 * resolver would take for a boolean, null, number or timestamp. Quoting more than needed only costs
 * readability; quoting less would change the data, which the property test rules out against an
 * independent parser.
 */
final class ObjectYaml {
  // YAML 1.1 "bool" and "null" (yaml.org/type/bool.html, null.html), in any letter case.
  private static final Set<String> WORDS =
      Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");
  // YAML 1.1 "int" and "float" (yaml.org/type/int.html, float.html), widened: exponents with or
  // without a sign, YAML 1.2's 0o octal, and the timestamp's date prefix (timestamp.html).
  private static final Pattern NUMBER_OR_DATE =
      Pattern.compile(
          "[-+]?(0b[0-1_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\\.[0-9_]*)?"
              + "|\\.[0-9_]*)([eE][-+]?[0-9]+)?"
              + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ObjectYaml() {}

  // YAML allows an implicit key of at most 1024 characters; a longer one (no Kubernetes name or
  // label is) is written as an explicit key, "? key" and ": value" on the next line.
  private static final int LONGEST_KEY = 1000;

  /** {@code node} as one YAML document, ending in a line break. */
  static String write(JsonNode node) {
    StringBuilder out = new StringBuilder(1024);
    write(node, out);
    return out.toString();
  }

  /** Appends {@code node} as one YAML document, ending in a line break. */
  private static void write(JsonNode node, StringBuilder out) {
    if (node.isObject() && !node.isEmpty()) {
      mapping(node, 0, false, out);
    } else if (node.isArray() && !node.isEmpty()) {
      sequence(node, 0, false, out);
    } else if (node.isTextual()) {
      // A document of one plain string could read as a marker ("---", "...").
      quoted(node.textValue(), out);
      out.append('\n');
    } else {
      scalar(node, out);
      out.append('\n');
    }
  }

  /**
   * The entries of a non-empty mapping at {@code indent}; the first on the current line when {@code
   * inline} (after a sequence's dash).
   */
  private static void mapping(JsonNode map, int indent, boolean inline, StringBuilder out) {
    boolean first = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first || !inline) {
        pad(indent, out);
      }
      first = false;
      JsonNode v = e.getValue();
      if (e.getKey().length() > LONGEST_KEY) {
        out.append("? ");
        quoted(e.getKey(), out);
        out.append('\n');
        pad(indent, out);
        out.append(": ");
        afterIndicator(v, indent, out);
        continue;
      }
      string(e.getKey(), out);
      if (v.isObject() && !v.isEmpty()) {
        out.append(":\n");
        mapping(v, indent + 2, false, out);
      } else if (v.isArray() && !v.isEmpty()) {
        out.append(":\n");
        sequence(v, indent, false, out);
      } else {
        out.append(": ");
        scalar(v, out);
        out.append('\n');
      }
    }
  }

  /** The items of a non-empty sequence, dashes at {@code indent}; see {@link #mapping}. */
  private static void sequence(JsonNode seq, int indent, boolean inline, StringBuilder out) {
    boolean first = true;
    for (JsonNode v : seq) {
      if (!first || !inline) {
        pad(indent, out);
      }
      first = false;
      out.append("- ");
      afterIndicator(v, indent, out);
    }
  }

  /**
   * A value after a two-character indicator at {@code indent} ("- ", "? ", ": "): a collection
   * starts on the indicator's line, its further lines indented past it.
   */
  private static void afterIndicator(JsonNode v, int indent, StringBuilder out) {
    if (v.isObject() && !v.isEmpty()) {
      mapping(v, indent + 2, true, out);
    } else if (v.isArray() && !v.isEmpty()) {
      sequence(v, indent + 2, true, out);
    } else {
      scalar(v, out);
      out.append('\n');
    }
  }

  private static void pad(int indent, StringBuilder out) {
    for (int i = 0; i < indent; i++) {
      out.append(' ');
    }
  }

  /** A scalar, or an empty collection in flow style. */
  private static void scalar(JsonNode v, StringBuilder out) {
    if (v.isTextual()) {
      string(v.textValue(), out);
    } else if (v.isObject()) {
      out.append("{}");
    } else if (v.isArray()) {
      out.append("[]");
    } else if (v.isNull() || v.isMissingNode()) {
      out.append("null");
    } else {
      // Numbers and booleans as JSON writes them, which YAML reads as the same.
      out.append(v.asText());
    }
  }

  private static void string(String s, StringBuilder out) {
    if (plain(s)) {
      out.append(s);
    } else {
      quoted(s, out);
    }
  }

  /** True when {@code s} reads back as this very string unquoted, as a key or as a value. */
  static boolean plain(String s) {
    int n = s.length();
    if (n == 0 || !plainStart(s.charAt(0), n > 1 ? s.charAt(1) : ' ')) {
      return false;
    }
    char last = s.charAt(n - 1);
    if (last == ' ' || last == ':' || s.startsWith("...")) {
      // "..." then a space ends the document when a top-level key starts the line with it.
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < ' ' || c > '~') {
        return false;
      }
      switch (c) {
        case ',', '[', ']', '{', '}', '"', '\\', '`' -> {
          return false;
        }
        case '#' -> {
          if (s.charAt(i - 1) == ' ') {
            return false;
          }
        }
        case ':' -> {
          if (s.charAt(i + 1) == ' ') {
            return false;
          }
        }
        default -> {}
      }
    }
    char c0 = s.charAt(0);
    boolean letter = (c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z');
    if (letter) {
      return n > 5 || !WORDS.contains(s.toLowerCase(Locale.ROOT));
    }
    return !NUMBER_OR_DATE.matcher(s).matches();
  }

  /**
   * The first character may be a letter, digit, '/', '_', '.' or '(' (never an indicator); '-' only
   * before a letter, where it can start neither a sequence entry nor a number.
   */
  private static boolean plainStart(char c, char next) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return switch (c) {
      case '/', '_', '.', '(' -> true;
      case '-' -> (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
      default -> false;
    };
  }

  /**
   * A double-quoted scalar (YAML 1.1 section 5.7 escapes): backslash and quote escaped, control
   * characters, DEL, C1 controls, line and paragraph separators, the byte order mark, unpaired
   * surrogates and the non-characters U+FFFE and U+FFFF as escapes; other characters as they are.
   */
  static void quoted(String s, StringBuilder out) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (escaped(c)) {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean escaped(char c) {
    return c < ' '
        || (c >= 0x7F && c <= 0x9F)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\uFEFF'
        || c >= '\uFFFE'
        || Character.isSurrogate(c);
  }
}
