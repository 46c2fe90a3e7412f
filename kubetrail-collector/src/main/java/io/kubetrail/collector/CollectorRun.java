package io.kubetrail.collector;

import io.kubetrail.cloud.CloudSources;
import io.kubetrail.collect.BufferState;
import io.kubetrail.collect.Collector;
import io.kubetrail.collect.CommitWatermark;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.ConfiguredSources;
import io.kubetrail.collect.metrics.CollectorMetrics;
import io.kubetrail.collect.metrics.MetricsServer;
import io.kubetrail.history.CheckpointAdvancer;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One run of a collector, from its configuration to its stop: {@link #open} sets everything up (the
 * store or the forwarder, the buffer, the sources, metrics), {@link #run} collects until {@link
 * #stop}, then stores what it holds, waits for a report being made, writes the last status and
 * returns what was stored; {@link #close} releases the store and the metrics listener.
 *
 * <p>Everything it has to say goes to the log it is given, a line at a time, from several threads.
 */
public final class CollectorRun implements Closeable {
  /**
   * The local copy of a cluster store's source positions, in the collector's status directory, for
   * a start while the cluster cannot be reached.
   */
  public static final String POSITIONS_FILE = "store-positions.json";

  /**
   * What a collector runs: its configuration, and what the files it names hold, read (and checked)
   * by the front end.
   *
   * @param policy the audit policy of {@code policy:}, if any
   * @param reports the scheduled reports of {@code reports:}; none without it
   */
  public record Setup(
      CollectorConfig config, Optional<LoadedPolicy> policy, List<ReportDefinition> reports) {
    public Setup {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(policy, "policy");
      reports = List.copyOf(reports);
    }
  }

  /** How the front end reaches a store location (a directory, or a cluster's URL). */
  public interface Stores {
    /**
     * The local directory of the store at {@code location}: the store's own, or for a store on a
     * cluster the directory of its local state. The collector's status and buffer go below it.
     */
    Path directory(String location);

    /**
     * Opens the store to append to it, creating it when there is none.
     *
     * @throws StoreUnavailableException when it cannot be reached for now: the collector starts all
     *     the same and opens it later
     */
    AuditStore openForWriting(String location) throws IOException;
  }

  /** What a run stored before it stopped. */
  public record Summary(long stored, long duplicates) {}

  private final Setup setup;
  private final Consumer<String> log;
  private final List<Closeable> open;
  private final Destination destination;
  private final CollectorMetrics metrics;
  private final Pipeline pipeline;
  private final Collector collector;
  private final List<Source> sources;
  private final AtomicReference<CheckpointAdvancer> advancer;
  private final AtomicReference<ScheduledExecutorService> reports;

  private CollectorRun(
      Setup setup,
      Consumer<String> log,
      List<Closeable> open,
      Destination destination,
      CollectorMetrics metrics,
      Pipeline pipeline,
      List<Source> sources,
      AtomicReference<CheckpointAdvancer> advancer,
      AtomicReference<ScheduledExecutorService> reports) {
    this.setup = setup;
    this.log = log;
    this.open = open;
    this.destination = destination;
    this.metrics = metrics;
    this.pipeline = pipeline;
    this.sources = sources;
    this.advancer = advancer;
    this.reports = reports;
    this.collector = new Collector(pipeline, sources, log);
  }

  /**
   * Sets a collector up, ready to {@link #run}: what it cannot use (a store that is locked or
   * damaged, a listen address taken) fails here, with nothing left open.
   *
   * @param log where the collector's notes and warnings go, a line each
   */
  public static CollectorRun open(Setup setup, Stores stores, Consumer<String> log)
      throws IOException {
    CollectorConfig cfg = setup.config();
    IngestOptions options = options(setup);
    List<Closeable> open = new ArrayList<>();
    try {
      Destination destination = Destination.open(cfg.destination(), stores, open);
      DeadLetters deadLetters =
          cfg.deadLetter().isPresent()
              ? DeadLetters.file(cfg.deadLetter().get(), Clock.systemUTC())
              : DeadLetters.NONE;
      AtomicReference<Pipeline> pipeline = new AtomicReference<>();
      CollectorMetrics metrics =
          new CollectorMetrics(
              cfg.deadLetter().isPresent(),
              Clock.systemUTC(),
              () -> pipeline.get() == null ? 0 : pipeline.get().queuedBytes(),
              () -> pipeline.get() == null ? BufferState.EMPTY : pipeline.get().buffer());
      List<Source> sources = ConfiguredSources.of(cfg, new CloudSources());
      sources.forEach(s -> metrics.register(s.name()));
      Optional<StoreUnavailableException> unreachable =
          destination.connection().flatMap(StoreConnection::unreachable);
      if (unreachable.isPresent()) {
        metrics.storeUnreachable(unreachable.get());
        log.accept(
            "warning: "
                + unreachable.get().getMessage()
                + "; what is read is kept in the buffer until the store can be reached");
      }
      AtomicReference<CheckpointAdvancer> advancer = new AtomicReference<>();
      AtomicReference<ScheduledExecutorService> reports = new AtomicReference<>();
      CommitWatermark watermark =
          new CommitWatermark(
              sources.stream().map(Source::name).toList(),
              // Buffered batches are not in the store yet: reports wait for them too.
              () ->
                  pipeline.get() == null
                      ? 0
                      : pipeline.get().queuedBytes() + pipeline.get().buffer().bytes(),
              Clock.systemUTC());
      // The store's state checkpoints and scheduled reports, from when the store is open: now, or
      // before the first append that reaches it.
      destination
          .connection()
          .ifPresent(
              c ->
                  c.onOpen(
                      store -> {
                        Destination.advancer(store, options.cluster(), log)
                            .ifPresent(advancer::set);
                        ScheduledReports.start(
                                setup,
                                store,
                                destination.storeLocation().orElseThrow(),
                                watermark,
                                log)
                            .ifPresent(reports::set);
                      }));
      pipeline.set(
          new Pipeline(
              destination.sink(),
              options,
              PipelineListener.all(
                  List.of(
                      metrics,
                      watermark,
                      PipelineListener.onCommit(
                          events -> {
                            CheckpointAdvancer a = advancer.get();
                            if (a != null) {
                              a.committed(events);
                            }
                          }))),
              deadLetters,
              cfg.buffer().map(b -> b.options(destination.statusFile().resolveSibling("buffer")))));
      Pipeline p = pipeline.get();
      p.bufferDamage().forEach(d -> log.accept("warning: " + d));
      if (p.buffer().batches() > 0) {
        log.accept(
            String.format(
                Locale.ROOT,
                "%,d batches (%,d bytes) buffered on disk by an earlier run are appended first",
                p.buffer().batches(),
                p.buffer().bytes()));
      }
      if (cfg.metrics().isPresent()) {
        MetricsServer server =
            MetricsServer.start(
                cfg.metrics().get().listen(), cfg.metrics().get().tokenFile(), metrics);
        open.add(server);
        log.accept("metrics on http://" + cfg.metrics().get().listen() + "/metrics");
      }
      return new CollectorRun(
          setup, log, open, destination, metrics, p, sources, advancer, reports);
    } catch (IOException | RuntimeException e) {
      closeAll(open, e);
      throw e;
    }
  }

  /** The location of the store the collector stores into; empty when it forwards. */
  public Optional<String> storeLocation() {
    return destination.storeLocation();
  }

  /** The scheduled reports it makes. */
  public List<ReportDefinition> reports() {
    return setup.reports();
  }

  /**
   * Collects until {@link #stop}, then stores what it holds, lets a report being made finish,
   * closes the pipeline and writes the last status.
   */
  public Summary run() throws IOException, InterruptedException {
    String cluster = setup.config().cluster();
    StatusWriter statusWriter = new StatusWriter(metrics, destination, log);
    ScheduledExecutorService status = statusWriter.start(cluster);
    log.accept(
        String.format(
            Locale.ROOT,
            "%d %s into %s for cluster %s; stop with SIGTERM or Ctrl-C",
            sources.size(),
            sources.size() == 1 ? "source" : "sources",
            destination.description(),
            cluster));
    try {
      collector.run();
    } finally {
      // A report being made finishes first: it reads the store that closes after.
      ScheduledExecutorService making = reports.get();
      if (making != null) {
        making.shutdown();
        making.awaitTermination(10, TimeUnit.MINUTES);
      }
      pipeline.close();
      if (advancer.get() != null) {
        advancer.get().close();
      }
      status.shutdownNow();
      status.awaitTermination(10, TimeUnit.SECONDS); // its last write comes before ours
      statusWriter.write(metrics.status(true), cluster, true);
    }
    return new Summary(pipeline.stored(), pipeline.duplicates());
  }

  /** Asks {@link #run} to stop: it finishes the batch in hand and returns. From any thread. */
  public void stop() {
    collector.stop();
  }

  /** Closes the store (or its connection) and the metrics listener. */
  @Override
  public void close() throws IOException {
    for (Closeable c : open) {
      c.close();
    }
  }

  private static void closeAll(List<Closeable> open, Exception failure) {
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static IngestOptions options(Setup setup) {
    IngestOptions.Builder b =
        IngestOptions.builder()
            .cluster(setup.config().cluster())
            .redactSecrets(setup.config().redactSecrets())
            .limits(setup.config().limits())
            .retryAppends(true);
    setup.policy().ifPresent(p -> b.policy(PolicyEvaluator.of(p.policy())));
    return b.build();
  }
}
