package io.kubetrail.collect.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.collect.Sink;
import io.kubetrail.files.AtomicFiles;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Delivers batches to a central kubetrail's webhook instead of a local store: for a collector on
 * each control-plane node of an HA cluster, which tails its own API server's log and forwards it.
 *
 * <p>Each batch's events are POSTed, as their raw JSON, in {@code audit.k8s.io/v1} EventLists of at
 * most {@link ForwardingOptions#maxEventsPerRequest()} events and {@link
 * ForwardingOptions#maxBytesPerRequest()} bytes. Only when every body is answered 200 (the central
 * store has them durably) are the batch's source positions written to the positions file, which
 * {@link #checkpoints()} reads back; any other answer, or no answer, throws, so the pipeline
 * retries ({@link io.kubetrail.collect.IngestOptions#retryAppends()}) and a source's position never
 * moves past events the centre has not stored. A batch sent in part and then again after a failure
 * or a crash stores nothing twice: the central store ignores events it already has.
 *
 * <p>The central side enriches the events again, under its own cluster name and options.
 */
public final class ForwardingSink implements Sink {
  private static final JsonFactory JSON = new JsonFactory();

  private final ForwardingOptions options;
  private final HttpClient http;
  private final Map<String, SourceCheckpoint> positions;

  private ForwardingSink(
      ForwardingOptions options, HttpClient http, Map<String, SourceCheckpoint> p) {
    this.options = options;
    this.http = http;
    this.positions = p;
  }

  /**
   * A sink forwarding to {@code options.url()}.
   *
   * @throws IOException when the CA file or the positions file cannot be read
   */
  public static ForwardingSink create(ForwardingOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(options.timeout());
    if (options.caFile().isPresent()) {
      http.sslContext(trusting(options.caFile().get()));
    }
    return new ForwardingSink(options, http.build(), readPositions(options.positionsFile()));
  }

  @Override
  public synchronized Map<String, SourceCheckpoint> checkpoints() {
    return Map.copyOf(positions);
  }

  @Override
  public synchronized AppendResult append(Batch batch) throws IOException {
    List<byte[]> bodies = bodies(batch.events());
    for (byte[] body : bodies) {
      post(body);
    }
    if (!batch.checkpoints().isEmpty()) {
      Map<String, SourceCheckpoint> next = new LinkedHashMap<>(positions);
      next.putAll(batch.checkpoints());
      writePositions(options.positionsFile(), next);
      positions.clear();
      positions.putAll(next);
    }
    // Nothing is stored here, and the centre does not say which events it already had: what it
    // stored is counted there. The listener's committed() still sees every event forwarded.
    return new AppendResult(0, 0, OptionalLong.empty());
  }

  /** The events as EventList bodies within the request limits. */
  List<byte[]> bodies(List<StoredEvent> events) throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    List<StoredEvent> current = new ArrayList<>();
    long bytes = 0;
    for (StoredEvent e : events) {
      int size = e.event().json().length() + 1;
      if (!current.isEmpty()
          && (current.size() >= options.maxEventsPerRequest()
              || bytes + size > options.maxBytesPerRequest())) {
        bodies.add(eventList(current));
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(e);
      bytes += size;
    }
    if (!current.isEmpty()) {
      bodies.add(eventList(current));
    }
    return bodies;
  }

  private static byte[] eventList(List<StoredEvent> events) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
            .getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      events.get(i).event().json().writeTo(out);
    }
    out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private void post(byte[] body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(options.url())
            .timeout(options.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (options.tokenFile().isPresent()) {
      String token;
      try {
        token = Files.readString(options.tokenFile().get(), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new IOException("tokenFile: cannot read " + options.tokenFile().get() + ": " + e, e);
      }
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while posting to " + options.url());
    } catch (IOException e) {
      throw new IOException("POST " + options.url() + " failed: " + e, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "POST "
              + options.url()
              + " answered "
              + response.statusCode()
              + ": "
              + message(response.body()));
    }
  }

  /** The {@code message} of a Kubernetes Status body, else the body's start. */
  private static String message(String body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String field = p.currentName();
          p.nextToken();
          if (field.equals("message")) {
            return p.getText();
          }
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // not JSON: show it as it is
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }

  private static SSLContext trusting(Path caFile) throws IOException {
    try {
      Collection<? extends Certificate> cas;
      try (var in = new ByteArrayInputStream(Files.readAllBytes(caFile))) {
        cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (cas.isEmpty()) {
        throw new IOException("caFile: no certificate in " + caFile);
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (Certificate c : cas) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (CertificateException e) {
      throw new IOException("caFile: not a PEM certificate bundle: " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IOException("caFile: cannot trust " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** The positions file: a JSON object of source id → position; empty when there is none yet. */
  static Map<String, SourceCheckpoint> readPositions(Path file) throws IOException {
    Map<String, SourceCheckpoint> positions = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return positions;
    }
    try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("positions file " + file + " is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String source = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          throw new IOException("positions file " + file + ": " + source + " is not a string");
        }
        positions.put(source, new SourceCheckpoint(p.getText()));
      }
    } catch (JsonProcessingException e) {
      throw new IOException("positions file " + file + " is damaged: " + e.getOriginalMessage(), e);
    }
    return positions;
  }

  /** Replaces the positions file whole: a reader sees the old positions or the new ones. */
  static void writePositions(Path file, Map<String, SourceCheckpoint> positions)
      throws IOException {
    AtomicFiles.replace(
        file,
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            for (Map.Entry<String, SourceCheckpoint> e : positions.entrySet()) {
              g.writeStringField(e.getKey(), e.getValue().position());
            }
            g.writeEndObject();
          }
        });
  }

  @Override
  public String toString() {
    return "forward to " + options.url();
  }
}
