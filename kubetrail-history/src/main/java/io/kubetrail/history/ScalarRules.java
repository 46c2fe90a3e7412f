package io.kubetrail.history;

import io.kubetrail.history.YamlEmitter.Style;
import java.util.Set;

/**
 * How {@link YamlEmitter} chooses a scalar's style, and what it escapes. Two steps, as in the YAML
 * generator our output has always come from: first the style asked for (quotes for strings that
 * would read back as booleans, null or numbers, a literal block for multi-line strings), then what
 * the text allows (plain scalars cannot start with an indicator or space, a literal block cannot
 * end in a space, special characters need double quotes).
 */
final class ScalarRules {
  private ScalarRules() {}

  /** YAML 1.1 booleans and nulls: quoted so that they read back as strings. */
  private static final Set<String> RESERVED =
      Set.of(
          "false", "False", "FALSE", "n", "N", "no", "No", "NO", "null", "Null", "NULL", "on", "On",
          "ON", "off", "Off", "OFF", "true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES");

  /** The style asked for a string value. */
  static Style valueStyle(String text) {
    if (text.isEmpty()) {
      return Style.DOUBLE_QUOTED;
    }
    if (text.indexOf('\n') >= 0) {
      return Style.LITERAL;
    }
    if (reserved(text) || hasQuotableChar(text) || plainNumber(text)) {
      return Style.DOUBLE_QUOTED;
    }
    return Style.PLAIN;
  }

  /** The style asked for a mapping key. */
  static Style keyStyle(String key) {
    if (reserved(key) || startsLikeNumber(key)) {
      return Style.DOUBLE_QUOTED;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < 0x20) {
        return Style.DOUBLE_QUOTED;
      }
    }
    return Style.PLAIN;
  }

  private static boolean reserved(String s) {
    return s.isEmpty() || s.charAt(0) == '~' || RESERVED.contains(s);
  }

  private static boolean startsLikeNumber(String s) {
    char c = s.charAt(0);
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  }

  /** Flow indicators anywhere; {@code #} first or after a blank; {@code :} last or before one. */
  private static boolean hasQuotableChar(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      switch (s.charAt(i)) {
        case '[', ']', '{', '}', ',' -> {
          return true;
        }
        case '#' -> {
          if (i == 0 || isBlankOrTab(s.charAt(i - 1))) {
            return true;
          }
        }
        case ':' -> {
          if (i == n - 1 || isBlankOrTab(s.charAt(i + 1))) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }

  private static boolean isBlankOrTab(char c) {
    return c == ' ' || c == '\t';
  }

  /** Matches {@code [+-]?[0-9]*(\.[0-9]*)?}: strings that look like numbers keep their quotes. */
  static boolean plainNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    i = digits(s, i);
    if (i < n && s.charAt(i) == '.') {
      i = digits(s, i + 1);
    }
    return i == n;
  }

  private static int digits(String s, int i) {
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  /** The style a scalar is written in: the one asked for when the text allows it. */
  static Style choose(Style requested, Analysis a, boolean simpleKey) {
    if (requested == Style.DOUBLE_QUOTED) {
      return Style.DOUBLE_QUOTED;
    }
    if (requested == Style.PLAIN
        && !(simpleKey && (a.empty() || a.multiline()))
        && a.allowPlain()) {
      return Style.PLAIN;
    }
    if (requested == Style.LITERAL) {
      return !simpleKey && a.allowBlock() ? Style.LITERAL : Style.DOUBLE_QUOTED;
    }
    if (a.allowSingleQuoted() && !(simpleKey && a.multiline())) {
      return Style.SINGLE_QUOTED;
    }
    return Style.DOUBLE_QUOTED;
  }

  /** What a scalar's text allows. */
  record Analysis(
      boolean empty,
      boolean multiline,
      boolean allowPlain,
      boolean allowSingleQuoted,
      boolean allowBlock) {}

  private static final Analysis EMPTY = new Analysis(true, false, true, true, false);

  /** The line breaks YAML knows besides {@code \r}. */
  static boolean isBreak(int c) {
    return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  private static boolean isBlank(int c) {
    return c == 0 || c == ' ' || c == '\t';
  }

  private static boolean isBlankOrBreak(int c) {
    return isBlank(c) || c == '\r' || isBreak(c);
  }

  static Analysis analyse(String s) {
    if (s.isEmpty()) {
      return EMPTY;
    }
    boolean indicators = s.startsWith("---") || s.startsWith("...") || leadingZero(s);
    boolean lineBreaks = false;
    boolean special = false;
    boolean leadingSpace = false;
    boolean trailingSpace = false;
    boolean leadingBreak = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean precededByBlank = true;
    boolean followedByBlank = s.length() == 1 || isBlankOrBreak(s.codePointAt(1));
    boolean previousSpace = false;
    boolean previousBreak = false;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int c = s.codePointAt(i);
      if (i == 0) {
        indicators |= "#,[]{}&*!|>'\"%@`".indexOf(c) >= 0;
        indicators |= (c == '?' || c == ':' || c == '-') && followedByBlank;
      } else {
        indicators |= c == ':' && followedByBlank;
        indicators |= c == '#' && precededByBlank;
      }
      boolean isBreak = isBreak(c);
      lineBreaks |= isBreak;
      special |= !(c == '\n' || (0x20 <= c && c <= 0x7E)) && !unicode(c);
      if (c == ' ') {
        leadingSpace |= i == 0;
        trailingSpace |= i == n - 1;
        breakSpace |= previousBreak;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak) {
        leadingBreak |= i == 0;
        trailingBreak |= i == n - 1;
        spaceBreak |= previousSpace;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      i += Character.charCount(c);
      precededByBlank = isBlank(c) || isBreak;
      followedByBlank = true;
      if (i + 1 < n) {
        int next = i + Character.charCount(s.codePointAt(i));
        if (next < n) {
          followedByBlank = isBlank(s.codePointAt(next)) || isBreak;
        }
      }
    }
    boolean plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
    boolean single = true;
    boolean block = !trailingSpace;
    if (breakSpace) {
      plain = single = false;
    }
    if (spaceBreak || special) {
      plain = single = block = false;
    }
    // Indicators rule out plain scalars in block context; only the flow context minds the others.
    return new Analysis(false, lineBreaks, plain && !indicators, single, block);
  }

  /** {@code 0[0-9_]+}: read back as an octal number, so not written plain. */
  private static boolean leadingZero(String s) {
    if (s.length() < 2 || s.charAt(0) != '0') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean unicode(int c) {
    return c == 0x85
        || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }

  /** Characters written escaped, or examined for escaping, inside double quotes. */
  static boolean escapedInDoubleQuotes(char c) {
    return c < 0x20 || c > 0x7E || c == '"' || c == '\\';
  }

  /** The code point at {@code i}: a high surrogate is taken with whatever char follows it. */
  static int codePointAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
      return Character.toCodePoint(c, s.charAt(i + 1));
    }
    return c;
  }

  /** The text for {@code c} (code point {@code codePoint}) inside double quotes. */
  static String escape(char c, int codePoint) {
    String named = named(c);
    if (named != null) {
      return named;
    }
    if (printable(codePoint)) {
      return new String(Character.toChars(codePoint));
    }
    if (c <= 0xFF) {
      return "\\x" + hex(c, 2);
    }
    if (Character.charCount(codePoint) == 2) {
      return "\\U" + hex(codePoint, 8);
    }
    return "\\u" + hex(c, 4);
  }

  private static String named(char c) {
    return switch (c) {
      case 0 -> "\\0";
      case 0x07 -> "\\a";
      case 0x08 -> "\\b";
      case '\t' -> "\\t";
      case '\n' -> "\\n";
      case 0x0B -> "\\v";
      case '\f' -> "\\f";
      case '\r' -> "\\r";
      case 0x1B -> "\\e";
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case 0x85 -> "\\N";
      case 0xA0 -> "\\_";
      case 0x2028 -> "\\L";
      case 0x2029 -> "\\P";
      default -> null;
    };
  }

  private static boolean printable(int c) {
    return (c >= 0x20 && c <= 0x7E) || c == 0x9 || c == 0xA || c == 0xD || unicode(c);
  }

  private static String hex(long value, int digits) {
    String h = Long.toHexString(value);
    return "0".repeat(Math.max(0, digits - h.length())) + h;
  }

  /**
   * The header hints of a literal block: the indent when the text starts with a space or break,
   * {@code -} when it does not end in a break, {@code +} when it ends in more than one.
   */
  static String blockHints(String text, int indent) {
    StringBuilder hints = new StringBuilder();
    char first = text.charAt(0);
    if (first == ' ' || isBreak(first)) {
      hints.append(indent);
    }
    int n = text.length();
    if (!isBreak(text.charAt(n - 1))) {
      hints.append('-');
    } else if (n == 1 || isBreak(text.charAt(n - 2))) {
      hints.append('+');
    }
    return hints.toString();
  }
}
