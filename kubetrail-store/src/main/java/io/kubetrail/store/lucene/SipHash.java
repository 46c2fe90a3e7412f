package io.kubetrail.store.lucene;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed hash of
 * short inputs that cannot be predicted without its 128-bit key, so sums of its values can
 * fingerprint data that someone without the key may have edited.
 */
final class SipHash {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long k0;
  private final long k1;

  SipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /**
   * The hash of {@code data[offset, offset + length)} under the key with {@code tweak} xor-ed into
   * its first half: one key per tweak, derived without hashing.
   */
  long hash(long tweak, byte[] data, int offset, int length) {
    State s = new State(k0 ^ tweak, k1);
    int tail = length & 7;
    int end = offset + length - tail;
    for (int i = offset; i < end; i += 8) {
      s.compress((long) LONG_LE.get(data, i));
    }
    long last = ((long) length) << 56;
    for (int i = 0; i < tail; i++) {
      last |= (data[end + i] & 0xffL) << (8 * i);
    }
    s.compress(last);
    s.v2 ^= 0xff;
    s.rounds(4);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
  }

  /** The four words of internal state; one per hash, kept in registers by escape analysis. */
  private static final class State {
    long v0;
    long v1;
    long v2;
    long v3;

    State(long k0, long k1) {
      v0 = 0x736f6d6570736575L ^ k0;
      v1 = 0x646f72616e646f6dL ^ k1;
      v2 = 0x6c7967656e657261L ^ k0;
      v3 = 0x7465646279746573L ^ k1;
    }

    void compress(long m) {
      v3 ^= m;
      rounds(2);
      v0 ^= m;
    }

    void rounds(int n) {
      for (int r = 0; r < n; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
    }
  }
}
