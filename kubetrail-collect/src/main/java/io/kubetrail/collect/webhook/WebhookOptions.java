package io.kubetrail.collect.webhook;

import io.kubetrail.collect.Endpoint;
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
    try {
      return Endpoint.parse(listen).socketAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("listen: unknown host in \"" + listen + "\"", e);
    }
  }

  /**
   * What a listener reachable from other machines lacks: TLS, and a way to tell clients apart
   * (clientCA or tokenFile). Empty on a loopback address, or when nothing is missing.
   */
  public Optional<String> exposureProblem() {
    return exposureProblem(Endpoint.parse(listen).loopback());
  }

  /**
   * Checks the address actually bound, as {@link #exposureProblem()}.
   *
   * @throws IllegalArgumentException naming the missing field
   */
  void checkExposure(InetSocketAddress bound) {
    Optional<String> problem = exposureProblem(bound.getAddress().isLoopbackAddress());
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  private Optional<String> exposureProblem(boolean loopback) {
    if (loopback) {
      return Optional.empty();
    }
    String where = "listen address " + listen + " is not loopback";
    if (tlsCert.isEmpty()) {
      return Optional.of(where + ": set tlsCert and tlsKey (TLS is required)");
    }
    if (clientCA.isEmpty() && tokenFile.isEmpty()) {
      return Optional.of(where + ": set clientCA or tokenFile (client authentication is required)");
    }
    return Optional.empty();
  }

  private static void parse(String listen) {
    try {
      Endpoint.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("listen: " + e.getMessage(), e);
    }
  }
}
