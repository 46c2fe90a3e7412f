package io.kubetrail.collect.webhook;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link WebhookSource} listens. Immutable; start from {@link #listen(String)} and change
 * fields with the {@code with…} methods.
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code tlsCert}, {@code tlsKey}: none (plain HTTP, allowed on a loopback address only).
 *   <li>{@code clientCA}: none; when set, every request must present a client certificate signed by
 *       one of its certificates.
 *   <li>{@code tokenFile}: none; when set, every request must carry {@code Authorization: Bearer}
 *       with the file's content (surrounding white space ignored). The file is read again when it
 *       changes, so a token can be rotated without a restart.
 *   <li>{@code maxBodyBytes} = {@value #DEFAULT_MAX_BODY_BYTES} (64 MiB): the largest request body.
 *       kube-apiserver sends at most 400 events per request by default.
 *   <li>{@code threads} = {@value #DEFAULT_THREADS}: requests handled at once; with {@code
 *       maxBodyBytes} they bound the memory request bodies take.
 *   <li>{@code maxWaitingRequests} = {@value #DEFAULT_MAX_WAITING_REQUESTS}: requests waiting for a
 *       thread; more are answered 429 at once.
 *   <li>{@code ackTimeout} = 20 s: how long a request waits for its events to be stored before it
 *       is answered 503; under kube-apiserver's 30 s webhook request timeout.
 *   <li>{@code retryAfterSeconds} = {@value #DEFAULT_RETRY_AFTER_SECONDS}: the {@code Retry-After}
 *       of 429 and 503 answers.
 * </ul>
 *
 * @param listen {@code host:port} to listen on; port 0 picks a free port
 */
public record WebhookOptions(
    String listen,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> clientCA,
    Optional<Path> tokenFile,
    long maxBodyBytes,
    int threads,
    int maxWaitingRequests,
    Duration ackTimeout,
    int retryAfterSeconds) {

  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_THREADS = 4;
  public static final int DEFAULT_MAX_WAITING_REQUESTS = 16;
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(20);

  public WebhookOptions {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tlsCert, "tlsCert");
    Objects.requireNonNull(tlsKey, "tlsKey");
    Objects.requireNonNull(clientCA, "clientCA");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(ackTimeout, "ackTimeout");
    parse(listen);
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException(
          "tlsCert and tlsKey go together: "
              + (tlsCert.isPresent() ? "tlsKey" : "tlsCert")
              + " is missing");
    }
    if (clientCA.isPresent() && tlsCert.isEmpty()) {
      throw new IllegalArgumentException("clientCA needs TLS: set tlsCert and tlsKey");
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1024, was " + maxBodyBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (maxWaitingRequests < 1) {
      throw new IllegalArgumentException(
          "maxWaitingRequests must be at least 1, was " + maxWaitingRequests);
    }
    if (ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException("ackTimeout must be positive, was " + ackTimeout);
    }
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException(
          "retryAfterSeconds must be at least 1, was " + retryAfterSeconds);
    }
  }

  /** Listens on {@code hostPort} with every other field at its default. */
  public static WebhookOptions listen(String hostPort) {
    return new WebhookOptions(
        hostPort,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_THREADS,
        DEFAULT_MAX_WAITING_REQUESTS,
        DEFAULT_ACK_TIMEOUT,
        DEFAULT_RETRY_AFTER_SECONDS);
  }

  public WebhookOptions withTls(Path cert, Path key) {
    return new WebhookOptions(
        listen,
        Optional.of(cert),
        Optional.of(key),
        clientCA,
        tokenFile,
        maxBodyBytes,
        threads,
        maxWaitingRequests,
        ackTimeout,
        retryAfterSeconds);
  }

  public WebhookOptions withClientCA(Path bundle) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        Optional.of(bundle),
        tokenFile,
        maxBodyBytes,
        threads,
        maxWaitingRequests,
        ackTimeout,
        retryAfterSeconds);
  }

  public WebhookOptions withTokenFile(Path file) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        clientCA,
        Optional.of(file),
        maxBodyBytes,
        threads,
        maxWaitingRequests,
        ackTimeout,
        retryAfterSeconds);
  }

  public WebhookOptions withMaxBodyBytes(long value) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        clientCA,
        tokenFile,
        value,
        threads,
        maxWaitingRequests,
        ackTimeout,
        retryAfterSeconds);
  }

  public WebhookOptions withThreads(int value, int waiting) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        clientCA,
        tokenFile,
        maxBodyBytes,
        value,
        waiting,
        ackTimeout,
        retryAfterSeconds);
  }

  public WebhookOptions withAckTimeout(Duration value) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        clientCA,
        tokenFile,
        maxBodyBytes,
        threads,
        maxWaitingRequests,
        value,
        retryAfterSeconds);
  }

  public WebhookOptions withRetryAfterSeconds(int value) {
    return new WebhookOptions(
        listen,
        tlsCert,
        tlsKey,
        clientCA,
        tokenFile,
        maxBodyBytes,
        threads,
        maxWaitingRequests,
        ackTimeout,
        value);
  }

  /** True when TLS is configured. */
  public boolean tls() {
    return tlsCert.isPresent();
  }

  /**
   * The address to bind, resolved.
   *
   * @throws IllegalArgumentException when the host is unknown
   */
  InetSocketAddress address() {
    HostPort hp = parse(listen);
    try {
      return new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "listen: unknown host \"" + hp.host() + "\" in \"" + listen + "\"", e);
    }
  }

  /**
   * Checks that a listener reachable from other machines is protected: a non-loopback address needs
   * TLS and a way to tell clients apart (clientCA or tokenFile).
   *
   * @throws IllegalArgumentException naming the missing field
   */
  void checkExposure(InetSocketAddress bound) {
    if (bound.getAddress().isLoopbackAddress()) {
      return;
    }
    String where = "listen address " + listen + " is not loopback";
    if (tlsCert.isEmpty()) {
      throw new IllegalArgumentException(where + ": set tlsCert and tlsKey (TLS is required)");
    }
    if (clientCA.isEmpty() && tokenFile.isEmpty()) {
      throw new IllegalArgumentException(
          where + ": set clientCA or tokenFile (client authentication is required)");
    }
  }

  private record HostPort(String host, int port) {}

  private static HostPort parse(String listen) {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "listen: expected host:port, e.g. 0.0.0.0:8443, got \"" + listen + "\"");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("listen: host missing in \"" + listen + "\"");
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listen: port is not a number in \"" + listen + "\"", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "listen: port " + port + " is outside 0-65535 in \"" + listen + "\"");
    }
    return new HostPort(host, port);
  }
}
