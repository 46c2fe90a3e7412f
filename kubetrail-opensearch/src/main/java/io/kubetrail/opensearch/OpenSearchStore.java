package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The store on an OpenSearch cluster; see the package documentation for its design. */
final class OpenSearchStore implements AuditStore {
  private static final long HEARTBEAT_SECONDS = 15;

  private final Cluster cluster;
  private final StoreOptions options;
  private final Meta meta;
  private final Reads reads;
  private final Appender appender;
  private final StateIndex states;
  private final Retention retention;
  private volatile Retention.Status retentionStatus;
  private final Optional<String> lockHolder;
  private final Optional<ScheduledExecutorService> heartbeat;
  private volatile boolean closed;

  private OpenSearchStore(
      Cluster cluster,
      StoreOptions options,
      Optional<String> lockHolder,
      Appender appender,
      Optional<Retention.Status> installed)
      throws IOException {
    this.cluster = cluster;
    this.retention = new Retention(cluster, cluster.engine().retentionApi());
    this.retentionStatus = installed.orElse(null);
    this.options = options;
    this.meta = new Meta(cluster);
    this.reads = new Reads(cluster, options);
    this.lockHolder = lockHolder;
    this.appender = appender;
    this.states = new StateIndex(cluster, StateIndex.DEFAULT_CHUNK_BYTES);
    this.heartbeat = lockHolder.map(h -> startHeartbeat(meta, h));
  }

  static OpenSearchStore open(OpenSearchOptions os, StoreOptions options) throws IOException {
    Cluster cluster = new Cluster(os);
    // Asked now, so that a location that is no OpenSearch or Elasticsearch fails at open.
    Engine engine = cluster.engine();
    Meta meta = new Meta(cluster);
    if (options.readOnly()) {
      if (!meta.exists()) {
        throw new StoreException(
            cluster.location(),
            "no kubetrail store here (no index "
                + cluster.meta
                + "); ingest or collect into it first");
      }
      return new OpenSearchStore(cluster, options, Optional.empty(), null, Optional.empty());
    }
    meta.create();
    String holder = meta.lock();
    try {
      Appender appender = Appender.recover(cluster, meta);
      Retention.Status retention =
          new Retention(cluster, engine.retentionApi()).install(os.retentionDays());
      // Before any event is written: new event indices come under the policy just installed.
      meta.installTemplate(engine, retention.templateSettings());
      return new OpenSearchStore(
          cluster, options, Optional.of(holder), appender, Optional.of(retention));
    } catch (IOException | RuntimeException e) {
      meta.unlock(holder);
      throw e;
    }
  }

  private static ScheduledExecutorService startHeartbeat(Meta meta, String holder) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kubetrail-opensearch-lock");
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(
        () -> {
          try {
            meta.heartbeat(holder);
          } catch (IOException | RuntimeException e) {
            // The next beat tries again; a lock unrefreshed for a minute is given up.
          }
        },
        HEARTBEAT_SECONDS,
        HEARTBEAT_SECONDS,
        TimeUnit.SECONDS);
    return s;
  }

  @Override
  public AppendResult append(Batch batch) throws IOException {
    ensureOpen();
    if (appender == null) {
      throw new StoreException(cluster.location(), "the store is open read-only");
    }
    synchronized (appender) {
      return appender.append(batch);
    }
  }

  @Override
  public Map<String, SourceCheckpoint> checkpoints() throws IOException {
    ensureOpen();
    Meta.Checkpoints doc = meta.checkpoints();
    Map<String, SourceCheckpoint> out = new LinkedHashMap<>(doc.sources());
    // The newest batch holds checkpoints the document may not have caught up with yet.
    Optional<Meta.Header> newest = meta.newest();
    if (newest.isPresent() && newest.get().link().batch() > doc.head()) {
      out.putAll(newest.get().checkpoints());
    }
    return Map.copyOf(out);
  }

  @Override
  public SortedSet<String> clusters() throws IOException {
    ensureOpen();
    return reads.clusters(head());
  }

  @Override
  public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after)
      throws IOException {
    ensureOpen();
    return reads.search(query, limit, after, head());
  }

  @Override
  public long count(EventQuery query) throws IOException {
    ensureOpen();
    return reads.count(query, head());
  }

  @Override
  public List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException {
    ensureOpen();
    return reads.histogram(query, bucket, head());
  }

  @Override
  public EventStream history(String clusterName, ObjectKey object) throws IOException {
    ensureOpen();
    return new PitStream(
        cluster,
        cluster.eventsOf(clusterName),
        QueryDsl.history(clusterName, object, head()),
        happened(),
        options.scanPageSize());
  }

  @Override
  public EventStream scanChanges(String clusterName, Instant from, Instant to) throws IOException {
    ensureOpen();
    return new PitStream(
        cluster,
        cluster.eventsOf(clusterName),
        QueryDsl.changes(clusterName, from, to, Set.of(), head()),
        happened(),
        options.scanPageSize());
  }

  @Override
  public EventStream scanChanges(
      String clusterName, Instant from, Instant to, Set<String> resources) throws IOException {
    ensureOpen();
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    return new PitStream(
        cluster,
        cluster.eventsOf(clusterName),
        QueryDsl.changes(clusterName, from, to, resources, head()),
        happened(),
        options.scanPageSize());
  }

  /** History and replay order; the sequence number keeps append order among equals. */
  private static ArrayNode happened() {
    return PitStream.ascending(
        "kubetrail.stage_ns", "kubetrail.received_ns", "auditID", "kubetrail.seq");
  }

  @Override
  public VerifyResult verify(VerifyListener listener) throws IOException {
    ensureOpen();
    // Events of batches old enough for the cluster's retention policy may be gone: not missing.
    long expiredBefore =
        retentionStatus()
            .deletesAfter()
            .map(age -> Documents.micros(Instant.now().minus(age).plus(Duration.ofDays(1))))
            .orElse(Long.MIN_VALUE);
    return new ChainCheck(cluster, meta, options.scanPageSize(), expiredBefore)
        .run(head(), listener);
  }

  @Override
  public PruneResult prune(Instant olderThan) throws IOException {
    ensureOpen();
    if (appender == null) {
      throw new StoreException(cluster.location(), "the store is open read-only");
    }
    synchronized (appender) {
      return appender.prune(olderThan);
    }
  }

  @Override
  public List<String> notes() {
    ensureOpen();
    return List.of(
        "the cluster's own index is not inspected by verify: searches it answers wrongly go"
            + " unnoticed; every stored event and the chain are checked",
        retentionStatus().note());
  }

  /** Where retention stands: as installed when this writer opened, else as the cluster says. */
  private Retention.Status retentionStatus() {
    Retention.Status s = retentionStatus;
    if (s == null) {
      s = retention.current();
      retentionStatus = s;
    }
    return s;
  }

  @Override
  public StateRepository states() {
    return states;
  }

  /** The newest committed batch: this writer's own, or as the store says for a reader. */
  private long head() throws IOException {
    if (appender != null) {
      return appender.head();
    }
    return meta.newest().map(h -> h.link().batch()).orElse(0L);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + cluster.location() + " is closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.ifPresent(ScheduledExecutorService::shutdownNow);
    if (lockHolder.isPresent()) {
      synchronized (appender) {
        meta.unlock(lockHolder.get());
      }
    }
  }

  @Override
  public String toString() {
    return "OpenSearch store at " + cluster.location();
  }
}
