package io.kubetrail.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer tokens and how they are stored: {@code sha256:<hex>} of the token. Tokens are random
 * (kubetrail makes 32 random bytes), so a fast hash does not make them guessable.
 */
public final class TokenHash {
  /** How every stored hash begins. */
  public static final String PREFIX = "sha256:";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenHash() {}

  /** The stored form of a token. */
  public static String of(String token) {
    return PREFIX + HexFormat.of().formatHex(sha256(token));
  }

  /** A new random token: 32 bytes, base64url. */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether a token has a stored hash; compares in constant time. */
  public static boolean matches(String token, String storedHash) {
    byte[] a = of(token).getBytes(StandardCharsets.US_ASCII);
    byte[] b = storedHash.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(a, b);
  }

  /** Whether a text has the stored form. */
  public static boolean isHash(String text) {
    return text.length() == PREFIX.length() + 64
        && text.startsWith(PREFIX)
        && text.substring(PREFIX.length()).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
