package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.ArrayUtil;

/**
 * A growable in-memory output. Strings are written as Lucene's {@link DataOutput#writeString}
 * writes them, byte for byte, with the JDK's faster encoder for ASCII ones. Not thread-safe.
 */
final class ByteOutput extends DataOutput {
  byte[] bytes;
  int length;

  ByteOutput(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  @Override
  public void writeByte(byte b) {
    if (length == bytes.length) {
      bytes = ArrayUtil.grow(bytes, length + 1);
    }
    bytes[length++] = b;
  }

  @Override
  public void writeBytes(byte[] b, int offset, int len) {
    if (length + len > bytes.length) {
      bytes = ArrayUtil.grow(bytes, length + len);
    }
    System.arraycopy(b, offset, bytes, length, len);
    length += len;
  }

  @Override
  public void writeString(String s) throws IOException {
    int start = length;
    int n = s.length();
    writeVInt(n);
    if (length + n > bytes.length) {
      bytes = ArrayUtil.grow(bytes, length + n);
    }
    // ASCII, the common case, is copied char by char; anything else is written as Lucene does.
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        length = start;
        super.writeString(s);
        return;
      }
      bytes[length + i] = (byte) c;
    }
    length += n;
  }

  /** Makes room for {@code capacity} bytes in all. */
  void ensureCapacity(int capacity) {
    if (capacity > bytes.length) {
      bytes = ArrayUtil.growExact(bytes, capacity);
    }
  }

  /** An int, big-endian (Lucene's {@link #writeInt} is little-endian). */
  void writeIntBigEndian(int i) {
    writeByte((byte) (i >>> 24));
    writeByte((byte) (i >>> 16));
    writeByte((byte) (i >>> 8));
    writeByte((byte) i);
  }

  /** What was written, copied. */
  byte[] toArray() {
    return Arrays.copyOf(bytes, length);
  }
}
