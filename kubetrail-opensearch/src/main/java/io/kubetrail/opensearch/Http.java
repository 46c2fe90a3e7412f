package io.kubetrail.opensearch;

import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Requests to the cluster: JSON in and out, the nodes taken in turn, and a request refused for now
 * (429, 502, 503, 504) or unanswered sent again after a growing pause. A node that cannot be
 * connected to is skipped for the next; a cluster none of whose nodes can be, within a small budget
 * of its own, is a {@link StoreUnavailableException}. Anything else that is not a success is
 * returned to the caller, who knows what it means.
 */
final class Http {

  /** A response: its status and body. */
  record Response(int status, byte[] body) {
    boolean ok() {
      return status / 100 == 2;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final OpenSearchOptions options;
  private final HttpClient client;
  private final Optional<String> authorization;
  private final AtomicInteger next = new AtomicInteger();

  Http(OpenSearchOptions options) throws IOException {
    this.options = options;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1);
    if (options.caFile().isPresent()) {
      builder.sslContext(trusting(options));
    }
    this.client = builder.build();
    if (options.apiKey().isPresent()) {
      authorization = Optional.of("ApiKey " + options.apiKey().get());
    } else if (options.username().isPresent()) {
      String pair = options.username().get() + ":" + options.password().orElse("");
      authorization =
          Optional.of(
              "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      authorization = Optional.empty();
    }
  }

  Response get(String path) throws IOException {
    return send("GET", path, null, "application/json");
  }

  Response delete(String path) throws IOException {
    return send("DELETE", path, null, "application/json");
  }

  Response put(String path, byte[] json) throws IOException {
    return send("PUT", path, json, "application/json");
  }

  Response post(String path, byte[] json) throws IOException {
    return send("POST", path, json, "application/json");
  }

  Response bulk(String path, byte[] ndjson) throws IOException {
    return send("POST", path, ndjson, "application/x-ndjson");
  }

  /**
   * Sends a request, retrying what may pass later. Throws {@link StoreUnavailableException} naming
   * the location when no node could be reached within {@link OpenSearchOptions#connectRetries()},
   * or none answered within {@link OpenSearchOptions#maxRetries()}; {@link StoreException} when the
   * cluster kept refusing the request for now (429, 5xx).
   */
  Response send(String method, String path, byte[] body, String contentType) throws IOException {
    long started = System.nanoTime();
    IOException lastFailure = null;
    Response last = null;
    int attempt = 0; // requests refused for now or unanswered, retried up to maxRetries
    int unreachable = 0; // connections failed in a row, over every node in turn
    while (true) {
      URI host = options.hosts().get(Math.floorMod(next.getAndIncrement(), options.hosts().size()));
      try {
        Response r = sendOnce(host, method, path, body, contentType);
        if (!retryable(r.status())) {
          return r;
        }
        last = r;
        lastFailure = null;
        unreachable = 0;
      } catch (ConnectException | HttpConnectTimeoutException e) {
        lastFailure = e;
        unreachable++;
        int rounds = unreachable / options.hosts().size();
        if (unreachable % options.hosts().size() != 0) {
          continue; // the next node, at once
        }
        if (rounds > options.connectRetries()) {
          throw unreachable(method, path, e, unreachable, started);
        }
        pause(250L << Math.min(rounds - 1, 6));
        continue;
      } catch (IOException e) {
        if (e instanceof StoreException || e instanceof InterruptedIOException) {
          throw e;
        }
        lastFailure = e; // connected, but no answer (a timeout, a reset connection)
        last = null;
        unreachable = 0;
      }
      attempt++;
      if (attempt > options.maxRetries()) {
        break;
      }
      pause(Math.min(10_000, 50L << Math.min(attempt, 8)));
    }
    if (last == null) {
      throw new StoreUnavailableException(
          options.displayLocation(),
          "the cluster did not answer "
              + method
              + " "
              + path
              + " ("
              + (options.maxRetries() + 1)
              + " tries in "
              + seconds(started)
              + "): "
              + lastFailure,
          lastFailure);
    }
    throw new StoreException(
        options.displayLocation(),
        method
            + " "
            + path
            + " failed "
            + (options.maxRetries() + 1)
            + " times; the cluster answered "
            + last.status()
            + " "
            + abbreviate(last.text()));
  }

  /** One request to one node; a refusal of our credentials is a {@link StoreException}. */
  private Response sendOnce(URI host, String method, String path, byte[] body, String contentType)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(host.resolve(path))
            .timeout(options.requestTimeout())
            .header("Content-Type", contentType)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    authorization.ifPresent(a -> request.header("Authorization", a));
    HttpResponse<InputStream> r;
    try {
      r = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + host);
    }
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readAllBytes();
    }
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new StoreException(
          options.displayLocation(),
          "the cluster refused our credentials ("
              + r.statusCode()
              + "): set "
              + OpenSearchOptions.USERNAME_ENV
              + " and "
              + OpenSearchOptions.PASSWORD_ENV
              + ", or "
              + OpenSearchOptions.API_KEY_ENV);
    }
    return new Response(r.statusCode(), bytes);
  }

  private StoreUnavailableException unreachable(
      String method, String path, IOException last, int tries, long started) {
    return new StoreUnavailableException(
        options.displayLocation(),
        "cannot reach the cluster: "
            + why(last)
            + " ("
            + method
            + " "
            + path
            + ", "
            + tries
            + (tries == 1 ? " try" : " tries")
            + " in "
            + seconds(started)
            + "; the location's "
            + OpenSearchOptions.CONNECT_RETRIES_SETTING
            + "="
            + options.connectRetries()
            + " sets how often it is tried again)",
        last);
  }

  /** Why a connection failed, in words: refused, an unknown host, or no answer in time. */
  private String why(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + options.connectTimeout().toMillis() / 1000.0 + " s";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
    }
    return e.getMessage() == null
        ? "connection refused"
        : "connection refused (" + e.getMessage() + ")";
  }

  private static String seconds(long startedNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
  }

  private static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private static void pause(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying");
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static SSLContext trusting(OpenSearchOptions options) throws IOException {
    try (InputStream in = Files.newInputStream(options.caFile().get())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new StoreException(
            options.displayLocation(),
            "no certificate in "
                + options.caFile().get()
                + " ("
                + OpenSearchOptions.CA_FILE_ENV
                + ")");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new StoreException(
          options.displayLocation(),
          "cannot read the certificates in " + options.caFile().get() + ": " + e.getMessage(),
          e);
    }
  }
}
