package io.kubetrail.bench;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.collect.ObjectNames;
import io.kubetrail.event.RawJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * Bulk-loads a JSON Lines audit log into OpenSearch the way Calico's collector stores it: each
 * document is the raw event plus {@code cluster}, {@code name} and {@code generated_time}, sent
 * through {@code _bulk} in requests of a fixed number of documents with a fixed number of requests
 * in flight. The baseline that {@code bench/ingest/run.sh} compares {@code kubetrail ingest} with.
 *
 * <p>Usage: {@code OpenSearchBulkLoader URL INDEX FILE [CLUSTER] [DOCS_PER_REQUEST] [IN_FLIGHT]};
 * prints one line {@code docs=… errors=… seconds=… docs_per_s=…}. Exits 1 when any document was
 * refused.
 */
public final class OpenSearchBulkLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI bulkUri;
  private final byte[] clusterField;
  private final Semaphore inFlight;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private OpenSearchBulkLoader(String url, String index, String cluster, int maxInFlight) {
    this.bulkUri = URI.create(url + "/" + index + "/_bulk?filter_path=errors,items.*.error");
    this.clusterField =
        (",\"cluster\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cluster)))
            .getBytes(StandardCharsets.UTF_8);
    this.inFlight = new Semaphore(maxInFlight);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: OpenSearchBulkLoader URL INDEX FILE [CLUSTER] [DOCS_PER_REQUEST] [IN_FLIGHT]");
      System.exit(2);
    }
    String cluster = args.length > 3 ? args[3] : "bench";
    int perRequest = args.length > 4 ? Integer.parseInt(args[4]) : 5000;
    int maxInFlight = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    OpenSearchBulkLoader loader = new OpenSearchBulkLoader(args[0], args[1], cluster, maxInFlight);
    long start = System.nanoTime();
    long docs = loader.load(Path.of(args[2]), perRequest, maxInFlight);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "docs=%d errors=%d seconds=%.2f docs_per_s=%.0f%n",
        docs,
        loader.refused.get(),
        seconds,
        docs / seconds);
    System.exit(loader.refused.get() == 0 ? 0 : 1);
  }

  private long load(Path file, int perRequest, int maxInFlight) throws Exception {
    long docs = 0;
    ByteArrayOutputStream body = new ByteArrayOutputStream(perRequest * 1400);
    int inBody = 0;
    byte[] action = "{\"index\":{}}\n".getBytes(StandardCharsets.UTF_8);
    try (InputStream in = open(file)) {
      LineReader lines = new LineReader(in);
      byte[] line;
      byte[] generated = generatedTime();
      while ((line = lines.next()) != null) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\r')) {
          end--;
        }
        if (end == 0 || line[end - 1] != '}') {
          continue;
        }
        String name = ObjectNames.of(RawJson.of(line, 0, end));
        body.write(action);
        body.write(line, 0, end - 1);
        body.write(clusterField);
        body.write("\",\"name\":\"".getBytes(StandardCharsets.UTF_8));
        body.write(JsonStringEncoder.getInstance().quoteAsUTF8(name));
        body.write(generated);
        body.write('\n');
        docs++;
        if (++inBody == perRequest) {
          send(body.toByteArray());
          body.reset();
          inBody = 0;
          generated = generatedTime();
        }
      }
    }
    if (inBody > 0) {
      send(body.toByteArray());
    }
    inFlight.acquire(maxInFlight); // wait for the last requests
    if (failure.get() != null) {
      throw new IOException("bulk request failed", failure.get());
    }
    return docs;
  }

  private static byte[] generatedTime() {
    return ("\",\"generated_time\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private void send(byte[] body) throws InterruptedException {
    inFlight.acquire();
    if (failure.get() != null) {
      inFlight.release();
      return;
    }
    sendWithRetry(body, 0)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              inFlight.release();
            });
  }

  /** OpenSearch answers 429 when its write queue is full; a real shipper backs off and retries. */
  private CompletableFuture<Void> sendWithRetry(byte[] body, int attempt) {
    HttpRequest request =
        HttpRequest.newBuilder(bulkUri)
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenCompose(
            response -> {
              if (response.statusCode() == 429 && attempt < 10) {
                return CompletableFuture.runAsync(
                        () -> {},
                        CompletableFuture.delayedExecutor(100L << attempt, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> sendWithRetry(body, attempt + 1));
              }
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "HTTP "
                        + response.statusCode()
                        + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
              }
              countRefused(response.body());
              return CompletableFuture.completedFuture(null);
            });
  }

  private void countRefused(byte[] response) {
    try {
      JsonNode tree = JSON.readTree(response);
      if (tree.path("errors").asBoolean(false)) {
        // filter_path leaves only the items that failed
        JsonNode items = tree.path("items");
        if (refused.getAndAdd(items.size()) == 0 && items.size() > 0) {
          System.err.println("first refused document: " + items.get(0));
        }
      }
    } catch (IOException e) {
      failure.compareAndSet(null, e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Lines as bytes, without the newline. */
  private static final class LineReader {
    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      int scan = start;
      while (true) {
        for (; scan < end; scan++) {
          if (buffer[scan] == '\n') {
            byte[] line = Arrays.copyOfRange(buffer, start, scan);
            start = scan + 1;
            return line;
          }
        }
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, end - start);
          end -= start;
          scan -= start;
          start = 0;
        }
        if (end == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
          if (end == start) {
            return null;
          }
          byte[] line = Arrays.copyOfRange(buffer, start, end);
          start = end;
          return line;
        }
        end += n;
      }
    }
  }
}
