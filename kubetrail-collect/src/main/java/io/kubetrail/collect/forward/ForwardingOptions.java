package io.kubetrail.collect.forward;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where and how a {@link ForwardingSink} sends. Immutable; start from {@link #to(URI, Path)}.
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code caFile}: none (the JDK's trusted CAs); set it to the CA that signed the central
 *       webhook's certificate.
 *   <li>{@code tokenFile}: none; when set, each request carries {@code Authorization: Bearer} with
 *       the file's content, read again for every batch (a rotated token is picked up).
 *   <li>{@code maxEventsPerRequest} = {@value #DEFAULT_MAX_EVENTS_PER_REQUEST}, as kube-apiserver's
 *       own webhook batches; {@code maxBytesPerRequest} = {@value #DEFAULT_MAX_BYTES_PER_REQUEST}
 *       (8 MiB), well under the webhook's default 64 MiB body limit. A single larger event is still
 *       sent, alone.
 *   <li>{@code timeout} = 30 s per request, above the webhook's 20 s wait for its store.
 * </ul>
 *
 * @param url the central webhook's URL, e.g. {@code https://kubetrail.example:8443/}; plain {@code
 *     http} only to a loopback host
 * @param positionsFile where the source positions of forwarded batches are kept, atomically
 */
public record ForwardingOptions(
    URI url,
    Path positionsFile,
    Optional<Path> caFile,
    Optional<Path> tokenFile,
    int maxEventsPerRequest,
    long maxBytesPerRequest,
    Duration timeout) {
  public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 400;
  public static final long DEFAULT_MAX_BYTES_PER_REQUEST = 8L * 1024 * 1024;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

  public ForwardingOptions {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(positionsFile, "positionsFile");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
      throw new IllegalArgumentException("url: expected an https:// URL with a host, got " + url);
    }
    // Audit events hold secrets' metadata and request bodies: plain HTTP only on this machine.
    if (scheme.equals("http") && !LOOPBACK.contains(url.getHost())) {
      throw new IllegalArgumentException(
          "url: plain http is allowed to a loopback host only; use https, got " + url);
    }
    if (maxEventsPerRequest < 1) {
      throw new IllegalArgumentException(
          "maxEventsPerRequest must be at least 1, was " + maxEventsPerRequest);
    }
    if (maxBytesPerRequest < 1024) {
      throw new IllegalArgumentException(
          "maxBytesPerRequest must be at least 1024, was " + maxBytesPerRequest);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** Sends to {@code url}, keeping positions in {@code positionsFile}; other fields default. */
  public static ForwardingOptions to(URI url, Path positionsFile) {
    return new ForwardingOptions(
        url,
        positionsFile,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MAX_EVENTS_PER_REQUEST,
        DEFAULT_MAX_BYTES_PER_REQUEST,
        DEFAULT_TIMEOUT);
  }

  public ForwardingOptions withCaFile(Path file) {
    return new ForwardingOptions(
        url,
        positionsFile,
        Optional.of(file),
        tokenFile,
        maxEventsPerRequest,
        maxBytesPerRequest,
        timeout);
  }

  public ForwardingOptions withTokenFile(Path file) {
    return new ForwardingOptions(
        url,
        positionsFile,
        caFile,
        Optional.of(file),
        maxEventsPerRequest,
        maxBytesPerRequest,
        timeout);
  }

  public ForwardingOptions withLimits(int events, long bytes) {
    return new ForwardingOptions(url, positionsFile, caFile, tokenFile, events, bytes, timeout);
  }

  public ForwardingOptions withTimeout(Duration value) {
    return new ForwardingOptions(
        url, positionsFile, caFile, tokenFile, maxEventsPerRequest, maxBytesPerRequest, value);
  }
}
