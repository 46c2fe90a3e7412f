package io.kubetrail.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The access log as a store of its own: each read is an {@code audit.k8s.io/v1} Event of cluster
 * {@value #CLUSTER}: {@code user.username} the caller (with its role as a group), {@code verb} the
 * HTTP method in lower case, {@code requestURI} the path and query, {@code objectRef.resource} the
 * route ({@code events}, {@code history}, ...), {@code objectRef.namespace} the namespace asked
 * for, {@code responseStatus.code} 200, and annotations {@code kubetrail.io/query} (what was asked)
 * and {@code kubetrail.io/rows} (how many rows were answered). Reads are stored in batches, at
 * least every quarter second, so that a burst of requests costs one commit.
 */
final class StoreAccessLog implements AccessLog {
  /** The cluster name every access log event carries. */
  static final String CLUSTER = "kubetrail-access";

  private static final long FLUSH_MILLIS = 250;

  private final AuditStore store;
  private final Clock clock;
  private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService flusher;

  private StoreAccessLog(AuditStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kubetrail-access-log");
              t.setDaemon(true);
              return t;
            });
    flusher.scheduleWithFixedDelay(
        this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Opens (creating when missing) the access log store. */
  static StoreAccessLog open(Path directory, Clock clock) throws IOException {
    return new StoreAccessLog(LuceneAuditStore.open(directory, StoreOptions.defaults()), clock);
  }

  /** The store, for admins to search. */
  AuditStore store() {
    return store;
  }

  /** What a read leaves to record: taken from the request while it is answered. */
  private record Read(
      Instant at,
      Caller caller,
      String what,
      long rows,
      String path,
      String query,
      String method,
      String ip,
      String userAgent,
      String namespace) {}

  @Override
  public void record(Context ctx, Caller caller, String what, long rows) {
    // Only what the request tells is taken now; the event is built and decoded by the flusher,
    // off the request's time.
    String query = ctx.queryString();
    String userAgent = ctx.userAgent();
    reads.add(
        new Read(
            clock.instant(),
            caller,
            what,
            rows,
            ctx.path(),
            query == null ? "" : query,
            ctx.method().name().toLowerCase(java.util.Locale.ROOT),
            ctx.ip(),
            userAgent == null ? "" : userAgent,
            ctx.queryParam("namespace")));
  }

  private static StoredEvent event(Read read) {
    ObjectNode e = Http.object();
    e.put("kind", "Event");
    e.put("apiVersion", "audit.k8s.io/v1");
    e.put("level", "Metadata");
    e.put("auditID", UUID.randomUUID().toString());
    e.put("stage", "ResponseComplete");
    e.put("requestURI", read.path() + (read.query().isEmpty() ? "" : "?" + read.query()));
    e.put("verb", read.method());
    ObjectNode user = e.putObject("user");
    user.put("username", read.caller().name());
    user.putArray("groups").add("kubetrail:" + read.caller().role().id());
    e.putArray("sourceIPs").add(read.ip());
    e.put("userAgent", read.userAgent());
    ObjectNode ref = e.putObject("objectRef");
    ref.put("apiGroup", "kubetrail.io");
    ref.put("apiVersion", "v1");
    ref.put("resource", route(read.path()));
    if (read.namespace() != null) {
      ref.put("namespace", read.namespace());
    }
    e.putObject("responseStatus").put("code", 200);
    e.put("requestReceivedTimestamp", read.at().toString());
    e.put("stageTimestamp", read.at().toString());
    ObjectNode annotations = e.putObject("annotations");
    annotations.put("kubetrail.io/query", read.what());
    annotations.put("kubetrail.io/rows", Long.toString(read.rows()));
    try {
      byte[] json = Http.JSON.writeValueAsBytes(e);
      return new StoredEvent(
          CLUSTER,
          route(read.path()),
          read.at(),
          AuditEventReader.decode(json, DecodeLimits.defaults()));
    } catch (IOException | AuditDecodeException ex) {
      throw new IllegalStateException("the access log wrote an event it cannot read", ex);
    }
  }

  private static String route(String path) {
    String rest =
        path.startsWith(KubetrailServer.BASE + "/")
            ? path.substring(KubetrailServer.BASE.length() + 1)
            : path;
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Stores what is queued; called by the flusher, and at close. */
  void flush() throws IOException {
    List<StoredEvent> batch = new ArrayList<>();
    for (Read r = reads.poll(); r != null; r = reads.poll()) {
      batch.add(event(r));
    }
    if (!batch.isEmpty()) {
      store.append(Batch.of(batch));
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      // Kept for the next flush is not possible (the batch is gone); say so on standard error.
      System.err.println("kubetrail: the access log failed to store reads: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
      flush();
      store.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
