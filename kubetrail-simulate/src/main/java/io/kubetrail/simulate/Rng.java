package io.kubetrail.simulate;

import java.util.List;

/**
 * The simulation's only source of randomness: SplitMix64, written out here so that the same seed
 * gives the same stream on every JVM (the JDK does not specify its own generators' algorithms for
 * all of them, and {@code Math.log} may differ by an ulp between platforms, hence {@code
 * StrictMath}).
 */
final class Rng {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The alphabet kube-apiserver uses for generated name suffixes (no vowels, no look-alikes). */
  private static final char[] NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound). The modulo bias over 63 bits is far below anything observable. */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    return (int) ((nextLong() >>> 1) % bound);
  }

  /** Uniform in [lo, hi], both inclusive. */
  int between(int lo, int hi) {
    return lo + nextInt(hi - lo + 1);
  }

  /** Uniform in [lo, hi], both inclusive. */
  long betweenLong(long lo, long hi) {
    return lo + (nextLong() >>> 1) % (hi - lo + 1);
  }

  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Exponentially distributed with the given mean, at least 1. */
  long exponential(double mean) {
    return Math.max(1L, (long) (-StrictMath.log(1.0 - nextDouble()) * mean));
  }

  <T> T pick(List<T> items) {
    return items.get(nextInt(items.size()));
  }

  @SafeVarargs
  final <T> T pickOf(T... items) {
    return items[nextInt(items.length)];
  }

  /** A random (version 4) UUID in its canonical text form. */
  String uuid() {
    long hi = (nextLong() & ~0xF000L) | 0x4000L;
    long lo = (nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    char[] out = new char[36];
    int p = 0;
    for (int i = 0; i < 32; i++) {
      if (i == 8 || i == 12 || i == 16 || i == 20) {
        out[p++] = '-';
      }
      long word = i < 16 ? hi : lo;
      int shift = 60 - 4 * (i % 16);
      out[p++] = HEX[(int) ((word >>> shift) & 0xF)];
    }
    return new String(out);
  }

  /** A generated-name suffix, as kube-apiserver appends to {@code metadata.generateName}. */
  String nameSuffix(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = NAME_ALPHABET[nextInt(NAME_ALPHABET.length)];
    }
    return new String(out);
  }

  String hex(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = HEX[nextInt(16)];
    }
    return new String(out);
  }
}
