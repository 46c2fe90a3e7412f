package io.kubetrail.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency of the HTTP API's search under concurrent clients: each client sends first pages of
 * filtered searches (namespace, verb, user, response code, resource, a time window, or none) and,
 * for a quarter, the next page through the cursor, one request after the other on a connection of
 * its own, kept open ({@link PlainHttp}). Prints p50, p90, p99 and the slowest of each request (one
 * search: the figure) and of each sample (a first page and, for a quarter, its next page, timed
 * together), the rates of all clients together, and each kind of search's requests (unfiltered,
 * each filter, next pages) with how many of them are in the tail. Before the clock starts, 200
 * searches are sent one at a time (the server's warm-up) and then every client sends {@link
 * #WARM_UP} as it will send the timed ones (the client's own warm-up). With {@code -Dtrace=FILE},
 * each timed request's start, latency and kind are written to FILE.
 *
 * <p>Usage: {@code ApiSearchLatency BASE_URL TOKEN CLIENTS REQUESTS_PER_CLIENT SEED}, the base URL
 * being the server's ({@code http://127.0.0.1:8080/}).
 */
public final class ApiSearchLatency {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Searches each client sends before the clock starts (first pages, a quarter with their next).
   */
  private static final int WARM_UP = 20;

  private ApiSearchLatency() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ApiSearchLatency BASE_URL TOKEN CLIENTS REQUESTS SEED");
      System.exit(2);
    }
    URI api = URI.create(args[0]).resolve("/api/v1/");
    String token = args[1];
    int clients = Integer.parseInt(args[2]);
    int requests = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    JsonNode facets = get(http, api.resolve("facets?limit=20"), token);
    List<String> filters = filters(facets);
    System.out.printf(
        Locale.ROOT,
        "store: %,d requests (counted by their final event); %d filters%n",
        facets.path("total").asLong(),
        filters.size());
    // Warm-up, not measured: the server's JIT and page cache, then the clients' own code (their
    // connections and the page parsing they run). Every client first sends WARM_UP searches as it
    // will send the measured ones; the clock starts when all have, so that the client's JIT and
    // the 50 connections' start, which took the cores from the server for the first seconds of
    // every pass (a warm server's pass: p99 279 ms over the pass, 165 ms from its fourth second),
    // are not measured as the server's latency.
    Random warm = new Random(seed - 1);
    for (int i = 0; i < 200; i++) {
      get(http, api.resolve("events?" + filters.get(warm.nextInt(filters.size()))), token);
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Timings>> runs = new ArrayList<>();
    // The clients share the cores with the server: their own CPU is printed beside its figure.
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] started = new long[2];
    AtomicInteger warmUps = new AtomicInteger();
    CyclicBarrier ready =
        new CyclicBarrier(
            clients,
            () -> {
              started[0] = os.getProcessCpuTime();
              started[1] = System.nanoTime();
            });
    for (int c = 0; c < clients; c++) {
      Random r = new Random(seed + c);
      runs.add(
          pool.submit(
              () -> {
                try (PlainHttp connection = new PlainHttp(api, token)) {
                  Timings unmeasured = new Timings(WARM_UP);
                  for (int i = 0; i < WARM_UP; i++) {
                    sample(connection, api, filters, r, unmeasured);
                  }
                  warmUps.addAndGet(unmeasured.requests().length);
                  ready.await();
                  Timings t = new Timings(requests);
                  for (int i = 0; i < requests; i++) {
                    sample(connection, api, filters, r, t);
                  }
                  return t;
                }
              }));
    }
    List<long[]> requestTimes = new ArrayList<>();
    List<long[]> sampleTimes = new ArrayList<>();
    List<Timings> all = new ArrayList<>();
    for (Future<Timings> f : runs) {
      Timings t = f.get();
      all.add(t);
      requestTimes.add(t.requests());
      sampleTimes.add(t.samples());
    }
    double seconds = (System.nanoTime() - started[1]) / 1e9;
    long cpu = os.getProcessCpuTime() - started[0];
    pool.shutdown();
    long[] perRequest = sorted(requestTimes);
    long[] perSample = sorted(sampleTimes);
    // The figure: one HTTP request, one search. The second line times what a user waiting for a
    // page and then the next waits in all, and is no single search's latency.
    System.out.println(
        line(
            String.format(
                Locale.ROOT, "%d clients, per request (%,d searches)", clients, perRequest.length),
            perRequest,
            seconds,
            "searches/s"));
    System.out.println(
        line(
            String.format(
                Locale.ROOT,
                "%d clients x %d samples (a first page, a quarter followed by their next page)",
                clients,
                requests),
            perSample,
            seconds,
            "samples/s"));
    printKinds(all, perRequest);
    System.out.printf(
        Locale.ROOT,
        "before the clock: %d searches one at a time, then %d by the %d clients at once%n",
        200,
        warmUps.get(),
        clients);
    String trace = System.getProperty("trace");
    if (trace != null) {
      writeTrace(Path.of(trace), all, started[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "client CPU: %d ms for the run, %.2f ms per search%n",
        cpu / 1_000_000,
        cpu / 1e6 / perRequest.length);
    System.exit(0);
  }

  /**
   * Each timed request as a line: its start in milliseconds after the clock started, its latency in
   * milliseconds, its kind; the first line gives the clock's start in milliseconds since the epoch,
   * to set against the server's GC log.
   */
  private static void writeTrace(Path file, List<Timings> clients, long start) throws IOException {
    long epochStart = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000;
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      w.println("# clock started at epoch ms " + epochStart);
      for (Timings t : clients) {
        for (int i = 0; i < t.requested; i++) {
          w.printf(
              Locale.ROOT,
              "%.3f %.3f %s%n",
              (t.starts[i] - start) / 1e6,
              t.requests[i] / 1e6,
              t.kinds[i].label.replace(' ', '_'));
        }
      }
    }
  }

  /**
   * One sample: a first page and, for a quarter, its next page through the cursor, each request
   * timed on its own.
   */
  private static void sample(
      PlainHttp connection, URI api, List<String> filters, Random r, Timings t) throws IOException {
    String query = filters.get(r.nextInt(filters.size()));
    long t0 = System.nanoTime();
    String next = nextOf(connection.get(api.resolve("events?" + query)));
    long t1 = System.nanoTime();
    t.request(Kind.of(query), t1 - t0);
    if (r.nextInt(4) == 0 && next != null) {
      nextOf(
          connection.get(
              api.resolve(
                  "events?"
                      + query
                      + "&cursor="
                      + URLEncoder.encode(next, StandardCharsets.UTF_8))));
      t.request(Kind.NEXT_PAGE, System.nanoTime() - t1);
    }
    t.sample(System.nanoTime() - t0);
  }

  /**
   * The requests of each kind of search: how many, their p50, p99 and slowest, and how many of the
   * requests at or above the p99 of all requests they are: what the tail is made of.
   */
  private static void printKinds(List<Timings> clients, long[] perRequest) {
    long tail =
        perRequest[(int) Math.min(perRequest.length - 1, Math.ceil(0.99 * perRequest.length) - 1)];
    int tailCount = 0;
    for (long nanos : perRequest) {
      tailCount += nanos >= tail ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "by kind of search (of the %d requests at or above the p99 of %.1f ms):%n",
        tailCount,
        tail / 1e6);
    for (Kind kind : Kind.values()) {
      List<long[]> parts = new ArrayList<>();
      for (Timings t : clients) {
        parts.add(t.requests(kind));
      }
      long[] times = sorted(parts);
      if (times.length == 0) {
        continue;
      }
      long inTail = Arrays.stream(times).filter(nanos -> nanos >= tail).count();
      System.out.printf(
          Locale.ROOT,
          "  %-15s %6d requests: p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms; %4d in the tail%n",
          kind.label,
          times.length,
          ms(times, 0.50),
          ms(times, 0.99),
          times[times.length - 1] / 1e6,
          inTail);
    }
  }

  /** The kinds of search the clients send, told by their query strings. */
  private enum Kind {
    UNFILTERED("unfiltered"),
    NAMESPACE("namespace"),
    VERB("verb"),
    USER("user"),
    CODE("code"),
    RESOURCE("resource"),
    NAMESPACE_VERB("namespace+verb"),
    CHANGES_ONLY("changes only"),
    HOUR("an hour"),
    NEXT_PAGE("next pages");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    static Kind of(String query) {
      if (query.contains("&namespace=") && query.contains("&verb=")) {
        return NAMESPACE_VERB;
      }
      if (query.contains("&since=")) {
        return HOUR;
      }
      if (query.contains("&changesOnly=")) {
        return CHANGES_ONLY;
      }
      for (Kind k : List.of(NAMESPACE, VERB, USER, CODE, RESOURCE)) {
        if (query.contains("&" + k.name().toLowerCase(Locale.ROOT) + "=")) {
          return k;
        }
      }
      return UNFILTERED;
    }
  }

  /** First-page queries: no filter, and one or two filters from the store's own facet values. */
  private static List<String> filters(JsonNode facets) {
    List<String> out = new ArrayList<>();
    out.add("limit=100");
    String[] fields = {"namespace", "verb", "user", "code", "resource"};
    for (String f : fields) {
      for (JsonNode v : facets.path("facets").path(f)) {
        out.add(
            "limit=100&"
                + f
                + "="
                + URLEncoder.encode(v.path("value").asText(), StandardCharsets.UTF_8));
      }
    }
    List<String> pairs = new ArrayList<>();
    for (String ns : values(facets, "namespace")) {
      for (String verb : values(facets, "verb")) {
        pairs.add("limit=100&namespace=" + ns + "&verb=" + verb + "&excludeDryRun=true");
      }
    }
    out.addAll(pairs.subList(0, Math.min(40, pairs.size())));
    out.add("limit=100&changesOnly=true");
    out.add("limit=100&since=2026-01-01T01:00:00Z&until=2026-01-01T02:00:00Z");
    return out;
  }

  private static List<String> values(JsonNode facets, String field) {
    List<String> out = new ArrayList<>();
    facets
        .path("facets")
        .path(field)
        .forEach(v -> out.add(URLEncoder.encode(v.path("value").asText(), StandardCharsets.UTF_8)));
    return out.subList(0, Math.min(8, out.size()));
  }

  private static JsonNode get(HttpClient http, URI uri, String token) throws Exception {
    return JSON.readTree(send(http, uri, token));
  }

  /** A response's whole body, once its status is 200. */
  private static byte[] send(HttpClient http, URI uri, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          uri + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /**
   * The {@code next} cursor of a search page, or null on the last page. Every token of the page is
   * parsed (a page that is not whole JSON fails), but no tree of it is built: the client shares the
   * cores with the server, and a tree of every row would only be thrown away.
   */
  private static String nextOf(byte[] page) throws IOException {
    String next = null;
    try (JsonParser p = JSON.getFactory().createParser(page)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a search page is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("next") && value == JsonToken.VALUE_STRING) {
          next = p.getText();
        } else if (value.isStructStart()) {
          // Read to its end, every token parsed.
          int depth = 1;
          while (depth > 0) {
            JsonToken in = p.nextToken();
            if (in == null) {
              throw new IOException("a search page ends inside " + field);
            }
            if (in.isStructStart()) {
              depth++;
            } else if (in.isStructEnd()) {
              depth--;
            } else if (in == JsonToken.VALUE_STRING) {
              p.getTextLength();
            }
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("a search page has more than one JSON object");
      }
    }
    return next;
  }

  private static String line(String what, long[] sorted, double seconds, String rate) {
    return String.format(
        Locale.ROOT,
        "%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; %.0f %s",
        what,
        ms(sorted, 0.50),
        ms(sorted, 0.90),
        ms(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6,
        sorted.length / seconds,
        rate);
  }

  private static long[] sorted(List<long[]> parts) {
    long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  /** One client's times: of each request, and of each sample (a first page and its next). */
  private static final class Timings {
    private final long[] samples;
    private final long[] requests;
    private final Kind[] kinds;

    /** When each request started ({@link System#nanoTime()}). */
    private final long[] starts;

    private int sampled;
    private int requested;

    Timings(int samples) {
      this.samples = new long[samples];
      this.requests = new long[samples * 2];
      this.kinds = new Kind[samples * 2];
      this.starts = new long[samples * 2];
    }

    void request(Kind kind, long nanos) {
      starts[requested] = System.nanoTime() - nanos;
      kinds[requested] = kind;
      requests[requested++] = nanos;
    }

    void sample(long nanos) {
      samples[sampled++] = nanos;
    }

    long[] requests() {
      return Arrays.copyOf(requests, requested);
    }

    long[] requests(Kind kind) {
      long[] out = new long[requested];
      int n = 0;
      for (int i = 0; i < requested; i++) {
        if (kinds[i] == kind) {
          out[n++] = requests[i];
        }
      }
      return Arrays.copyOf(out, n);
    }

    long[] samples() {
      return Arrays.copyOf(samples, sampled);
    }
  }

  private static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
