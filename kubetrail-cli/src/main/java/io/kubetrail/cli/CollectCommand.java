package io.kubetrail.cli;

import io.kubetrail.cloud.CloudSources;
import io.kubetrail.collect.BufferState;
import io.kubetrail.collect.Collector;
import io.kubetrail.collect.CommitWatermark;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.ConfigException;
import io.kubetrail.collect.config.ConfiguredSources;
import io.kubetrail.collect.metrics.CollectorMetrics;
import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.collect.metrics.MetricsServer;
import io.kubetrail.history.CheckpointAdvancer;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StoreUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail collect}: runs the configured sources into the store until stopped. */
@Command(
    name = "collect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Collect audit events continuously, until stopped.",
      "Follows kube-apiserver's audit log files across rotation, receives its webhook backend's"
          + " EventLists, and stores them (or forwards them to a central kubetrail).",
      "On SIGTERM or SIGINT it stores what it holds and exits 0. Each source's position is"
          + " committed with its events, so a restart (or a crash) resumes with nothing lost"
          + " and nothing stored twice. Bad records go to the dead-letter file and never stop"
          + " it; 'kubetrail status' shows how each source is doing.",
      "While the store cannot be reached, batches are kept in an on-disk buffer (1 GiB by"
          + " default) and appended, in order, once it is back.",
      "The configuration file is YAML; see the README's \"Collecting continuously\"."
    })
final class CollectCommand implements Callable<Integer> {
  private static final long STATUS_EVERY_SECONDS = 5;

  /**
   * The local copy of an OpenSearch store's source positions, in the collector's status directory,
   * for a start while the cluster cannot be reached.
   */
  static final String POSITIONS_FILE = "store-positions.json";

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The collector configuration (YAML).")
  Path config;

  @Spec CommandSpec spec;

  /**
   * What runs once the collector is set up, before it starts: {@code serve --config} serves, and
   * lists the configuration's scheduled reports.
   */
  interface OnReady {
    void ready(Optional<String> storeLocation, List<ReportDefinition> reports) throws IOException;
  }

  OnReady onReady = (store, reports) -> {};

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CollectorConfig cfg = loadConfig();
    List<ReportDefinition> reportDefinitions = ScheduledReports.definitions(cfg);
    IngestOptions options = options(cfg, err);
    List<Closeable> open = new ArrayList<>();
    try {
      Destination destination = Destination.open(cfg.destination(), options.cluster(), open);
      DeadLetters deadLetters =
          cfg.deadLetter().isPresent()
              ? DeadLetters.file(cfg.deadLetter().get(), Clock.systemUTC())
              : DeadLetters.NONE;
      Pipeline[] pipeline = new Pipeline[1];
      CollectorMetrics metrics =
          new CollectorMetrics(
              cfg.deadLetter().isPresent(),
              Clock.systemUTC(),
              () -> pipeline[0] == null ? 0 : pipeline[0].queuedBytes(),
              () -> pipeline[0] == null ? BufferState.EMPTY : pipeline[0].buffer());
      List<Source> sources = ConfiguredSources.of(cfg, new CloudSources());
      sources.forEach(s -> metrics.register(s.name()));
      Optional<StoreUnavailableException> unreachable =
          destination.connection().flatMap(StoreConnection::unreachable);
      if (unreachable.isPresent()) {
        metrics.storeUnreachable(unreachable.get());
        err.println(
            "kubetrail collect: warning: "
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
                  pipeline[0] == null
                      ? 0
                      : pipeline[0].queuedBytes() + pipeline[0].buffer().bytes(),
              Clock.systemUTC());
      // The store's state checkpoints and scheduled reports, from when the store is open: now, or
      // before the first append that reaches it.
      destination
          .connection()
          .ifPresent(
              c ->
                  c.onOpen(
                      store -> {
                        Destination.advancer(store, options.cluster(), err)
                            .ifPresent(advancer::set);
                        ScheduledReports.start(
                                reportDefinitions,
                                cfg,
                                Optional.of(store),
                                destination.storeLocation().orElseThrow(),
                                watermark,
                                err)
                            .ifPresent(reports::set);
                      }));
      pipeline[0] =
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
              cfg.buffer().map(b -> b.options(destination.statusFile().resolveSibling("buffer"))));
      pipeline[0].bufferDamage().forEach(d -> err.println("kubetrail collect: warning: " + d));
      if (pipeline[0].buffer().batches() > 0) {
        err.printf(
            Locale.ROOT,
            "kubetrail collect: %,d batches (%,d bytes) buffered on disk by an earlier run are"
                + " appended first%n",
            pipeline[0].buffer().batches(),
            pipeline[0].buffer().bytes());
      }
      if (cfg.metrics().isPresent()) {
        MetricsServer server =
            MetricsServer.start(
                cfg.metrics().get().listen(), cfg.metrics().get().tokenFile(), metrics);
        open.add(server);
        err.println(
            "kubetrail collect: metrics on http://" + cfg.metrics().get().listen() + "/metrics");
      }
      Collector collector =
          new Collector(
              pipeline[0],
              sources,
              message -> {
                synchronized (err) {
                  err.println("kubetrail collect: " + message);
                  err.flush();
                }
              });
      onReady.ready(destination.storeLocation(), reportDefinitions);
      Signals.onTerminate(collector::stop);
      StatusWriter statusWriter =
          new StatusWriter(metrics, destination.statusFile(), destination.inCluster(), err);
      ScheduledExecutorService status = statusWriter.start(options.cluster());
      err.printf(
          Locale.ROOT,
          "kubetrail collect: %d %s into %s for cluster %s; stop with SIGTERM or Ctrl-C%n",
          sources.size(),
          sources.size() == 1 ? "source" : "sources",
          destination.description(),
          options.cluster());
      err.flush();
      try {
        collector.run();
      } finally {
        // A report being made finishes first: it reads the store that closes after.
        ScheduledExecutorService making = reports.get();
        if (making != null) {
          making.shutdown();
          making.awaitTermination(10, TimeUnit.MINUTES);
        }
        pipeline[0].close();
        if (advancer.get() != null) {
          advancer.get().close();
        }
        status.shutdownNow();
        status.awaitTermination(10, TimeUnit.SECONDS); // its last write comes before ours
        statusWriter.write(metrics.status(true), options.cluster(), true);
      }
      out.printf(
          Locale.ROOT,
          "stopped: %,d events stored, %,d duplicates%n",
          pipeline[0].stored(),
          pipeline[0].duplicates());
      return ExitCodes.OK;
    } finally {
      for (Closeable c : open) {
        c.close();
      }
    }
  }

  private CollectorConfig loadConfig() throws IOException {
    try {
      return CollectorConfig.load(config);
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static IngestOptions options(CollectorConfig cfg, PrintWriter err) {
    IngestOptions.Builder b =
        IngestOptions.builder()
            .cluster(cfg.cluster())
            .redactSecrets(cfg.redactSecrets())
            .limits(cfg.limits())
            .retryAppends(true);
    if (cfg.policy().isPresent()) {
      b.policy(
          PolicyEvaluator.of(PolicyFiles.loadValid(cfg.policy().get(), "policy", err).policy()));
    }
    return b.build();
  }

  /**
   * Writes the collector's status for {@code kubetrail status}: to the status file every {@value
   * #STATUS_EVERY_SECONDS} s, and for a store on a cluster into the cluster too, every other time
   * (a write there costs a few requests), so that every machine sees it.
   */
  private static final class StatusWriter {
    private final CollectorMetrics metrics;
    private final Path file;
    private final Optional<StoreConnection> cluster;
    private final PrintWriter err;
    private final AtomicBoolean warned = new AtomicBoolean();

    StatusWriter(
        CollectorMetrics metrics, Path file, Optional<StoreConnection> cluster, PrintWriter err) {
      this.metrics = metrics;
      this.file = file;
      this.cluster = cluster;
      this.err = err;
    }

    ScheduledExecutorService start(String clusterName) {
      ScheduledExecutorService s = daemon("kubetrail-status");
      long[] ticks = new long[1];
      s.scheduleAtFixedRate(
          () -> {
            try {
              write(metrics.status(false), clusterName, ticks[0]++ % 2 == 0);
            } catch (IOException | RuntimeException e) {
              warnOnce("cannot write the collector's status: " + e);
            }
          },
          0,
          STATUS_EVERY_SECONDS,
          TimeUnit.SECONDS);
      return s;
    }

    void write(CollectorStatus status, String clusterName, boolean intoCluster) throws IOException {
      status.write(file);
      Optional<AuditStore> store = cluster.flatMap(StoreConnection::store);
      if (intoCluster && store.isPresent()) {
        try {
          status.write(store.get().states(), clusterName);
        } catch (IOException e) {
          // The cluster is down or refuses for now: the file has it, the next write tries again.
        }
      }
    }

    private void warnOnce(String message) {
      if (!warned.getAndSet(true)) {
        synchronized (err) {
          err.println("kubetrail collect: " + message);
          err.flush();
        }
      }
    }
  }

  /** A scheduler on one daemon thread of this name. */
  static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Where events go: the store, opened now or once it can be reached, or a forwarding sink.
   *
   * @param connection the store's, when events go to a store
   */
  private record Destination(
      Sink sink,
      Optional<StoreConnection> connection,
      Optional<Path> storeDirectory,
      Optional<String> storeLocation,
      String cluster,
      Path statusFile,
      String description) {

    /** The store's connection when the store is on a cluster, whose state repository is shared. */
    Optional<StoreConnection> inCluster() {
      return storeLocation.filter(l -> AuditStores.scheme(l).isPresent()).flatMap(l -> connection);
    }

    static Destination open(CollectorConfig.Destination d, String cluster, List<Closeable> open)
        throws IOException {
      if (d instanceof CollectorConfig.Store s) {
        StoreOptionsMixin location = new StoreOptionsMixin();
        location.location(s.location());
        Path statusDirectory = location.directory.resolve("collector");
        // A cluster may be down when the collector starts: it starts all the same.
        StoreConnection connection =
            StoreConnection.open(
                location::openForWritingWhenReachable,
                location.remote()
                    ? Optional.of(statusDirectory.resolve(POSITIONS_FILE))
                    : Optional.empty());
        open.add(0, connection);
        return new Destination(
            connection,
            Optional.of(connection),
            Optional.of(location.directory),
            Optional.of(location.location),
            cluster,
            statusDirectory.resolve(CollectorStatus.FILE),
            "store " + location.location);
      }
      CollectorConfig.Forward f = (CollectorConfig.Forward) d;
      Path positions = f.positions().toAbsolutePath();
      return new Destination(
          ConfiguredSources.forwarding(f),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          cluster,
          positions.resolveSibling(CollectorStatus.FILE),
          "forward to " + f.url());
    }

    /** Keeps the cluster's state checkpoints up to date; empty when it cannot. */
    static Optional<CheckpointAdvancer> advancer(
        AuditStore store, String cluster, PrintWriter err) {
      try {
        return Optional.of(
            StateHistory.open(store, cluster, HistoryOptions.defaults())
                .advancer()
                .onNote(
                    note -> {
                      synchronized (err) {
                        err.println("kubetrail collect: note: " + note);
                        err.flush();
                      }
                    }));
      } catch (IOException e) {
        err.println(
            "kubetrail collect: warning: state checkpoints will not be kept up to date: " + e);
        return Optional.empty();
      }
    }
  }
}
