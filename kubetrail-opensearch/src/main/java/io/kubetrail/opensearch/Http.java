package io.kubetrail.opensearch;

import io.kubetrail.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Requests to the cluster: JSON in and out, the nodes taken in turn, and a request refused for now
 * (429, 502, 503, 504) or unanswered sent again after a growing pause. Anything else that is not a
 * success is returned to the caller, who knows what it means.
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
            .connectTimeout(options.requestTimeout())
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
   * Sends a request, retrying what may pass later. Throws {@link StoreException} naming the
   * location once every retry failed.
   */
  Response send(String method, String path, byte[] body, String contentType) throws IOException {
    IOException lastFailure = null;
    Response last = null;
    for (int attempt = 0; attempt <= options.maxRetries(); attempt++) {
      if (attempt > 0) {
        pause(attempt);
      }
      URI host = options.hosts().get(Math.floorMod(next.getAndIncrement(), options.hosts().size()));
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
      try {
        HttpResponse<InputStream> r =
            client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = r.body()) {
          bytes = in.readAllBytes();
        }
        last = new Response(r.statusCode(), bytes);
        if (!retryable(r.statusCode())) {
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
          return last;
        }
      } catch (ConnectException | HttpTimeoutException e) {
        lastFailure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for " + host);
      } catch (StoreException e) {
        throw e;
      } catch (IOException e) {
        lastFailure = e;
      }
    }
    String why =
        last != null
            ? "answered " + last.status() + " " + abbreviate(last.text())
            : "unreachable: " + lastFailure;
    throw new StoreException(
        options.displayLocation(),
        method
            + " "
            + path
            + " failed "
            + (options.maxRetries() + 1)
            + " times; the cluster "
            + why,
        lastFailure);
  }

  private static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private static void pause(int attempt) throws IOException {
    long millis = Math.min(10_000, 50L << Math.min(attempt, 8));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while retrying");
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
