package io.kubetrail.policy;

import java.util.List;

/**
 * Renders values the way kube-apiserver's error messages print them (Go's {@code %q} and {@code
 * %#v}), so that our messages read exactly like the server's.
 */
final class GoFormat {
  private GoFormat() {}

  /** A double-quoted string with Go's escapes ({@code strconv.Quote}). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (cp < 0x20 || cp == 0x7f) {
            b.append(String.format("\\x%02x", cp));
          } else if (Character.isSurrogate((char) cp)) {
            // Go strings hold UTF-8; an unpaired surrogate has no encoding and prints as U+FFFD.
            b.append("\\ufffd");
          } else if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
            b.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
          } else {
            b.appendCodePoint(cp);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A string slice as Go's {@code %#v} prints it: {@code []string{"a", "b"}}. */
  static String stringSlice(List<String> values) {
    StringBuilder b = new StringBuilder("[]string{");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(quote(values.get(i)));
    }
    return b.append('}').toString();
  }
}
