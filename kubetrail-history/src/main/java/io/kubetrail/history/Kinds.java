package io.kubetrail.history;

import java.util.Locale;
import java.util.Map;

/**
 * Maps an object's {@code kind} to its resource name, for bodies that come without an audit {@code
 * objectRef} (snapshots). Uses the API server's own naming rule for built-in and most custom
 * resources (lower case, then {@code -s}, {@code -es} after s, {@code -ies} after a consonant and
 * y), with the few built-in exceptions listed.
 */
final class Kinds {
  private static final Map<String, String> EXCEPTIONS = Map.of("endpoints", "endpoints");

  private Kinds() {}

  static String resourceFor(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    String special = EXCEPTIONS.get(lower);
    if (special != null) {
      return special;
    }
    if (lower.endsWith("s")
        || lower.endsWith("x")
        || lower.endsWith("ch")
        || lower.endsWith("sh")) {
      return lower + "es";
    }
    if (lower.endsWith("y") && lower.length() > 1 && !isVowel(lower.charAt(lower.length() - 2))) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    return lower + "s";
  }

  private static boolean isVowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  }
}
