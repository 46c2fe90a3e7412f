package io.kubetrail.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Drops the insignificant whitespace of JSON text, keeping every token's bytes as they are (string
 * escapes and number spellings survive). Stateful, so text may arrive in pieces split anywhere.
 */
final class Minifier {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private boolean inString;
  private boolean escaped;

  /**
   * True when {@code src[from, to)}, one whole valid JSON value, certainly has no whitespace
   * outside its strings, so that copying it is enough. Such whitespace always sits next to a
   * structural character, since two tokens never meet without one: after an opening bracket, before
   * a closing bracket, comma or colon, or after a colon that follows a field name or a comma that
   * follows a value. Whitespace inside strings in those places (rare, unlike {@code "forbidden:
   * User"}, which passes) only costs a real minify. Raw bytes up to 0x20 are whitespace here, as
   * JSON strings hold control characters escaped.
   */
  static boolean certainlyCompact(byte[] src, int from, int to) {
    int i = from;
    // Eight bytes at a time: most words hold no byte <= 0x20 at all.
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long w = (long) LONGS.get(src, i);
      if (((w - 0x2121212121212121L) & ~w & 0x8080808080808080L) != 0
          && !compactAround(src, from, to, i, i + Long.BYTES)) {
        return false;
      }
    }
    return compactAround(src, from, to, i, to);
  }

  private static boolean compactAround(byte[] src, int from, int to, int start, int end) {
    for (int i = start; i < end; i++) {
      if ((src[i] & 0xff) > ' ') {
        continue;
      }
      if (i + 1 < to) {
        byte next = src[i + 1];
        if (next == '}' || next == ']' || next == ',' || next == ':') {
          return false;
        }
      }
      if (i > from && !compactAfter(src, from, i - 1)) {
        return false;
      }
    }
    return true;
  }

  // False when whitespace after src[at] may lie outside a string.
  private static boolean compactAfter(byte[] src, int from, int at) {
    byte prev = src[at];
    if (prev == '{' || prev == '[') {
      return false;
    }
    if (prev != ':' && prev != ',') {
      return true;
    }
    int j = at - 1;
    while (j >= from && (src[j] & 0xff) <= ' ') {
      j--;
    }
    if (j < from) {
      return false;
    }
    byte before = src[j];
    if (prev == ':') {
      // Outside strings a colon follows a field name.
      return before != '"';
    }
    // Outside strings a comma follows a value.
    return before != '"'
        && before != '}'
        && before != ']'
        && before != 'e'
        && before != 'l'
        && (before < '0' || before > '9');
  }

  /** The length of {@code src[from, to)}, one whole JSON value, without its whitespace. */
  static long compactLength(byte[] src, int from, int to) {
    ByteSink counter = new ByteSink(1);
    counter.reset(0);
    new Minifier().append(src, from, to, counter);
    return counter.written();
  }

  void reset() {
    inString = false;
    escaped = false;
  }

  void append(byte[] src, int from, int to, ByteSink out) {
    // Locals, not fields, in the loops: this runs over every byte of every converted event.
    boolean str = inString;
    int i = from;
    if (escaped && i < to) {
      escaped = false;
      i++;
    }
    int run = from;
    while (i < to) {
      if (str) {
        while (i < to) {
          byte b = src[i++];
          if (b == '"') {
            str = false;
            break;
          }
          if (b == '\\') {
            if (i == to) {
              escaped = true;
              break;
            }
            i++;
          }
        }
      } else {
        while (i < to) {
          byte b = src[i];
          if (b == '"') {
            str = true;
            i++;
            break;
          }
          if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
            if (i > run) {
              out.write(src, run, i - run);
            }
            run = i + 1;
          }
          i++;
        }
      }
    }
    if (to > run) {
      out.write(src, run, to - run);
    }
    inString = str;
  }
}
