package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * The Strings of values that recur from one event to the next (verbs, user names, groups, source
 * IPs, user agents, resources, namespaces, annotation values): the decoder hands out the String it
 * made last time for the same characters instead of building another. Direct-mapped and bounded: a
 * clash replaces the older entry, and long values are not kept.
 *
 * <p>Not thread-safe.
 */
final class StringCache {
  private static final int SLOTS = 1024;
  private static final int MAX_LENGTH = 128;

  private final String[] slots = new String[SLOTS];

  /** The current string token's text. */
  String text(JsonParser p) throws IOException {
    int len = p.getTextLength();
    if (len > MAX_LENGTH) {
      return p.getText();
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    // String.hashCode's own formula, so that the cached String's stored hash is a quick reject.
    int h = 0;
    for (int i = 0; i < len; i++) {
      h = 31 * h + c[off + i];
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String s = slots[slot];
    if (s != null && s.hashCode() == h && same(s, c, off, len)) {
      return s;
    }
    s = new String(c, off, len);
    slots[slot] = s;
    return s;
  }

  private static boolean same(String s, char[] c, int off, int len) {
    if (s.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) != c[off + i]) {
        return false;
      }
    }
    return true;
  }
}
