package io.kubetrail.collect.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The bearer token clients must send, from a file read again whenever its modification time or size
 * changes (a rotated Kubernetes Secret). Tokens are compared by their SHA-256 digests with {@link
 * MessageDigest#isEqual}, so the time a comparison takes tells nothing about the token.
 */
final class BearerToken {
  private final Path file;
  private FileTime modified;
  private long size = -1;
  private byte[] digest;

  private BearerToken(Path file) {
    this.file = file;
  }

  /**
   * Reads the token file once, so that a missing or empty one fails at start.
   *
   * @throws IOException naming the file and the field
   */
  static BearerToken load(Path file) throws IOException {
    BearerToken token = new BearerToken(file);
    token.refresh();
    return token;
  }

  /** Checks an {@code Authorization} header; empty when it carries the token, else why not. */
  synchronized Optional<String> check(Optional<String> authorization) {
    try {
      refresh();
    } catch (IOException e) {
      // Keep the token read last: a file being replaced must not lock every client out.
    }
    if (authorization.isEmpty()) {
      return Optional.of("missing Authorization: Bearer header");
    }
    String value = authorization.get().trim();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of("the Authorization header is not a Bearer token");
    }
    byte[] given = sha256(value.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(given, digest)
        ? Optional.empty()
        : Optional.of("invalid bearer token");
  }

  private void refresh() throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new IOException("tokenFile: cannot read " + file + ": " + e.getMessage(), e);
    }
    if (digest != null && attrs.lastModifiedTime().equals(modified) && attrs.size() == size) {
      return;
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      throw new IOException("tokenFile: " + file + " is empty");
    }
    digest = sha256(token.getBytes(StandardCharsets.UTF_8));
    modified = attrs.lastModifiedTime();
    size = attrs.size();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
