package io.kubetrail.history;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks the members of a JSON object in a buffer already known to hold valid JSON (an event the
 * decoder accepted, a body replay kept), finding where each value starts and ends by its brackets
 * and quotes alone. Replay reads a few fields of each change ({@code responseObject}, then its
 * {@code metadata}); the rest of an event, most of its bytes, is stepped over several times faster
 * than a tokenizer can skip it. Keys and strings with escapes are reported as such, for the caller
 * to fall back to a parser; on JSON that is not valid it throws {@link IllegalArgumentException},
 * for the same.
 */
public final class JsonScan {
  private final byte[] b;
  private final int end;
  private int i;
  private int keyStart;
  private int keyEnd;
  private boolean keyEscaped;
  private int valueStart;
  private int valueEnd;

  /**
   * Whether the current value's end is yet to be found: a caller that reads no further skips it.
   */
  private boolean pending;

  /** Whether a member is current, so that the next one starts past its value. */
  private boolean inMember;

  /**
   * The members of the object whose '{' is at {@code objectStart}.
   *
   * @param end where the buffer's JSON ends (exclusive)
   */
  public JsonScan(byte[] b, int objectStart, int end) {
    this.b = b;
    this.end = end;
    if (objectStart >= end || b[objectStart] != '{') {
      throw new IllegalArgumentException("not a JSON object at " + objectStart);
    }
    this.i = objectStart + 1;
  }

  /** Moves to the next member; false at the object's end, then {@link #end()} is past its '}'. */
  public boolean next() {
    if (inMember) {
      i = valueEnd();
      inMember = false;
    }
    i = skipSpace(b, i, end);
    if (i < end && b[i] == ',') {
      i = skipSpace(b, i + 1, end);
    }
    if (i >= end) {
      throw new IllegalArgumentException("unterminated object");
    }
    if (b[i] == '}') {
      i++;
      return false;
    }
    if (b[i] != '"') {
      throw new IllegalArgumentException("expected a key at " + i);
    }
    keyStart = i + 1;
    int after = skipString(b, i, end);
    keyEnd = after - 1;
    keyEscaped = false;
    for (int k = keyStart; k < keyEnd; k++) {
      if (b[k] == '\\') {
        keyEscaped = true;
        break;
      }
    }
    i = skipSpace(b, after, end);
    if (i >= end || b[i] != ':') {
      throw new IllegalArgumentException("expected ':' at " + i);
    }
    valueStart = skipSpace(b, i + 1, end);
    if (valueStart >= end) {
      throw new IllegalArgumentException("expected a value at " + valueStart);
    }
    pending = true;
    inMember = true;
    return true;
  }

  /**
   * Tells the scan that the caller read the current value itself, up to {@code valueEnd} (past its
   * last byte; e.g. {@link #end()} of a scan of it run to its end): the next member starts there,
   * and the value is not read again.
   */
  public void skippedTo(int valueEnd) {
    if (!inMember || valueEnd <= valueStart || valueEnd > end) {
      throw new IllegalStateException("no current value ends at " + valueEnd);
    }
    this.valueEnd = valueEnd;
    pending = false;
  }

  /** Past the object's '}', once {@link #next()} returned false. */
  public int end() {
    return i;
  }

  /** Whether the current member's key, unescaped, is {@code name} (ASCII, as bytes). */
  public boolean keyIs(byte[] name) {
    return !keyEscaped && Arrays.equals(b, keyStart, keyEnd, name, 0, name.length);
  }

  /** Where the current key's text starts, past its opening quote. */
  int keyStart() {
    return keyStart;
  }

  /** Where the current key's text ends, at its closing quote. */
  int keyEnd() {
    return keyEnd;
  }

  public boolean keyEscaped() {
    return keyEscaped;
  }

  public int valueStart() {
    return valueStart;
  }

  /**
   * Past the current value; found when first asked, so that a value never asked for is not read.
   */
  public int valueEnd() {
    if (pending) {
      valueEnd = skipValue(b, valueStart, end);
      pending = false;
    }
    return valueEnd;
  }

  /** The first byte of the current value: '{', '[', '"', 'n' (null), a digit, ... */
  public byte valueType() {
    return b[valueStart];
  }

  /** Whether the current value is a string with escapes, which {@link #text()} cannot read. */
  public boolean valueEscaped() {
    return escaped(b, valueStart, valueEnd());
  }

  /** Whether the value in {@code [start, end)} is a string with escapes. */
  public static boolean escaped(byte[] b, int start, int end) {
    if (b[start] != '"') {
      return false;
    }
    for (int k = start + 1; k < end - 1; k++) {
      if (b[k] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** The current key, which must not be escaped. */
  public String keyText() {
    return new String(b, keyStart, keyEnd - keyStart, StandardCharsets.UTF_8);
  }

  /**
   * The current value as a streaming parser's {@code getText()} gives it, for a string without
   * escapes (see {@link #valueEscaped()}), a number, true or false; {@code ""} for null, an object
   * or an array.
   */
  public String text() {
    byte c = b[valueStart];
    int valueEnd = valueEnd();
    if (c == '"') {
      return stringText(b, valueStart, valueEnd);
    }
    if (c == '{' || c == '[' || c == 'n') {
      return "";
    }
    return new String(b, valueStart, valueEnd - valueStart, StandardCharsets.US_ASCII);
  }

  /** The text of the string without escapes in {@code [start, end)}, quotes included. */
  public static String stringText(byte[] b, int start, int end) {
    return new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8);
  }

  /**
   * The start of each element of the array whose '[' is at {@code arrayStart}, in order, into
   * {@code starts}; returns how many.
   */
  public static int elements(byte[] b, int arrayStart, int end, IntSink starts) {
    int k = skipSpace(b, arrayStart + 1, end);
    int n = 0;
    while (k < end && b[k] != ']') {
      if (b[k] == ',') {
        k = skipSpace(b, k + 1, end);
        continue;
      }
      starts.accept(k);
      n++;
      k = skipSpace(b, skipValue(b, k, end), end);
    }
    return n;
  }

  /** Takes element positions. */
  @FunctionalInterface
  public interface IntSink {
    void accept(int position);
  }

  public static byte[] key(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  public static int skipSpace(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;

  /**
   * Past the string whose opening quote is at {@code i}. Most of a body's bytes are in strings:
   * they are stepped over eight at a time while none of the eight is a quote or a backslash.
   */
  static int skipString(byte[] b, int i, int end) {
    int k = i + 1;
    while (k < end) {
      if (k + 8 <= end) {
        long w = (long) LONGS.get(b, k);
        long q = w ^ QUOTES;
        long s = w ^ BACKSLASHES;
        // A byte's high bit is set where it is zero in q or s; the lowest such bit is exact
        // (borrows only run upwards), so it is the first quote or backslash.
        long found = (((q - ONES) & ~q) | ((s - ONES) & ~s)) & HIGHS;
        if (found == 0) {
          k += 8;
          continue;
        }
        k += Long.numberOfTrailingZeros(found) >>> 3;
      }
      byte c = b[k];
      if (c == '"') {
        return k + 1;
      }
      k += c == '\\' ? 2 : 1;
    }
    throw new IllegalArgumentException("unterminated string at " + i);
  }

  /** {@link #skipString} a byte at a time: what it must agree with. */
  static int skipStringByBytes(byte[] b, int i, int end) {
    for (int k = i + 1; k < end; k++) {
      byte c = b[k];
      if (c == '\\') {
        k++;
      } else if (c == '"') {
        return k + 1;
      }
    }
    throw new IllegalArgumentException("unterminated string at " + i);
  }

  /** Past the value that starts at {@code i}. */
  static int skipValue(byte[] b, int i, int end) {
    if (i >= end) {
      throw new IllegalArgumentException("expected a value at " + i);
    }
    byte c = b[i];
    if (c == '"') {
      return skipString(b, i, end);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      for (int k = i; k < end; k++) {
        c = b[k];
        if (c == '"') {
          k = skipString(b, k, end) - 1;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            return k + 1;
          }
        }
      }
      throw new IllegalArgumentException("unterminated value at " + i);
    }
    int k = i;
    while (k < end) {
      c = b[k];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        break;
      }
      k++;
    }
    return k;
  }
}
