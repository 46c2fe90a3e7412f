package io.kubetrail.store;

import java.security.SecureRandom;

/**
 * The seed of a randomized test: {@code -Dtests.seed=N} when given, otherwise a new one. It is
 * printed so that a failure can be reproduced.
 */
public final class TestSeed {
  private TestSeed() {}

  public static long of(String test) {
    String given = System.getProperty("tests.seed");
    long seed =
        given != null && !given.isBlank()
            ? Long.parseLong(given.trim())
            : new SecureRandom().nextLong();
    System.out.println(test + ": seed " + seed + " (reproduce with -Dtests.seed=" + seed + ")");
    return seed;
  }
}
