package io.kubetrail.event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The UTF-8 JSON text of one event, kept so that every field survives, unknown ones included.
 * Immutable: the bytes are copied on the way in and out, except through {@link #writeTo}.
 */
public final class RawJson {
  private final byte[] utf8;

  private RawJson(byte[] utf8) {
    this.utf8 = utf8;
  }

  public static RawJson of(byte[] utf8) {
    return new RawJson(utf8.clone());
  }

  public static RawJson of(byte[] utf8, int offset, int length) {
    return new RawJson(Arrays.copyOfRange(utf8, offset, offset + length));
  }

  public static RawJson of(String json) {
    return new RawJson(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Wraps bytes the caller promises never to change again; no copy. */
  static RawJson adopt(byte[] utf8) {
    return new RawJson(utf8);
  }

  public int length() {
    return utf8.length;
  }

  public byte[] toByteArray() {
    return utf8.clone();
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(utf8);
  }

  /** The backing bytes, for parsers inside kubetrail; callers must not modify them. */
  public byte[] unsafeBytes() {
    return utf8;
  }

  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson other && Arrays.equals(utf8, other.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }
}
