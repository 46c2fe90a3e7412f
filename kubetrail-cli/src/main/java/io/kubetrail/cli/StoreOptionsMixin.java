package io.kubetrail.cli;

import io.kubetrail.collector.CollectorRun;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreCopy;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --store} option of every command that uses the store, and opening the store. */
final class StoreOptionsMixin {
  static final String ENVIRONMENT = "KUBETRAIL_STORE";
  static final String DEFAULT_DIRECTORY = "kubetrail-data";

  /** Where an OpenSearch store's local state (report runs, collector status) is kept. */
  static final String STATE_ENVIRONMENT = "KUBETRAIL_STATE_DIR";

  /** The store's location as given: a directory, or an OpenSearch URL. */
  String location = DEFAULT_DIRECTORY;

  /**
   * The store's directory; for an OpenSearch store, the local directory of its report runs and
   * collector status (its snapshots and checkpoints are kept in the cluster).
   */
  Path directory = Path.of(DEFAULT_DIRECTORY);

  @Option(
      names = "--store",
      paramLabel = "DIR|URL",
      defaultValue = "${env:" + ENVIRONMENT + ":-" + DEFAULT_DIRECTORY + "}",
      description =
          "The store: a directory, or"
              + " http(s)://host:9200[,host2:9200][?prefix=NAME][&retention=91d|off][&connectRetries=2]"
              + " for an"
              + " OpenSearch or Elasticsearch cluster (default: $"
              + ENVIRONMENT
              + " when set, else ./"
              + DEFAULT_DIRECTORY
              + ").")
  void location(String value) {
    location = value;
    directory =
        AuditStores.directory(value)
            .orElseGet(() -> stateDirectory(value, System.getenv(STATE_ENVIRONMENT)));
  }

  /** The local state directory of an OpenSearch store: $KUBETRAIL_STATE_DIR, else per location. */
  static Path stateDirectory(String url, String configured) {
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String withoutCredentials = url.replaceFirst("://[^@/]*@", "://");
    String name = withoutCredentials.replaceAll("[^A-Za-z0-9._-]+", "_");
    return Path.of(System.getProperty("user.home"), ".kubetrail", "stores", name);
  }

  /**
   * Snapshots and report runs of an OpenSearch store that earlier versions kept in the local state
   * directory go into the cluster, once: each local folder is then renamed, so that it is not read
   * again. A failure leaves it for the next command to try.
   */
  private void moveLocalState(AuditStore store) {
    Path snapshots = directory.resolve("history");
    Path runs = directory.resolve("reports");
    try {
      if (Files.isDirectory(snapshots)) {
        StoreCopy.snapshots(StateRepository.inDirectory(directory), store.states());
        Files.move(snapshots, directory.resolve("history.moved-to-cluster"));
      }
      if (Files.isDirectory(runs)) {
        ReportRuns.copy(EmbeddedReportRuns.in(directory), ReportRuns.of(location, store));
        Files.move(runs, directory.resolve("reports.moved-to-cluster"));
      }
    } catch (IOException e) {
      // Still local; the next command tries again.
    }
  }

  /** True when the store is not a local directory. */
  boolean remote() {
    return AuditStores.scheme(location).isPresent();
  }

  private static final String MISSING_HINT =
      " (ingest into it first, or point --store or $" + ENVIRONMENT + " at a store)";

  /** The runs of scheduled reports kept with a store, and the store they need open, if any. */
  record OpenRuns(ReportRuns runs, Optional<AuditStore> store) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (store.isPresent()) {
        store.get().close();
      }
    }
  }

  /**
   * The runs of scheduled reports kept with the store: in its directory, or in its cluster (which
   * is then open until the runs are closed).
   */
  OpenRuns reportRuns() {
    if (remote()) {
      AuditStore store = openReadOnly();
      return new OpenRuns(ReportRuns.of(location, store), Optional.of(store));
    }
    if (!Files.isDirectory(directory)) {
      throw new UsageException(
          directory + ": no store here: the directory does not exist" + MISSING_HINT);
    }
    return new OpenRuns(EmbeddedReportRuns.in(directory), Optional.empty());
  }

  /** How a collector reaches the store of its configuration: by the rules of {@code --store}. */
  static CollectorRun.Stores collectorStores() {
    return new CollectorRun.Stores() {
      @Override
      public Path directory(String location) {
        return at(location).directory;
      }

      @Override
      public AuditStore openForWriting(String location) throws StoreUnavailableException {
        return at(location).openForWritingWhenReachable();
      }
    };
  }

  private static StoreOptionsMixin at(String location) {
    StoreOptionsMixin m = new StoreOptionsMixin();
    m.location(location);
    return m;
  }

  /** Opens the store to append to it, creating it when there is none. */
  AuditStore openForWriting() {
    return open(StoreOptions.defaults(), "");
  }

  /**
   * Opens the store to append to it, as {@link #openForWriting}, except that a store that cannot be
   * reached for now is a {@link StoreUnavailableException}, to try again later.
   */
  AuditStore openForWritingWhenReachable() throws StoreUnavailableException {
    try {
      return openForWriting();
    } catch (UsageException e) {
      Optional<StoreUnavailableException> unreachable =
          Main.cause(e, StoreUnavailableException.class);
      if (unreachable.isPresent()) {
        throw unreachable.get();
      }
      throw e;
    }
  }

  /** Opens an existing store to read it; other processes may be appending meanwhile. */
  AuditStore openReadOnly() {
    return open(StoreOptions.builder().readOnly(true).build(), MISSING_HINT);
  }

  /** Opens an existing store to change it, without creating one. */
  AuditStore openExistingForWriting() {
    if (!remote() && !Files.isDirectory(directory)) {
      throw new UsageException(
          directory + ": no store here: the directory does not exist" + MISSING_HINT);
    }
    return openForWriting();
  }

  private AuditStore open(StoreOptions options, String hint) {
    try {
      AuditStore store = AuditStores.open(location, options);
      if (remote()) {
        moveLocalState(store);
      }
      return store;
    } catch (StoreCorruptException e) {
      // Reported as damage (not a usage error) by Main, from the cause.
      throw new UsageException(e.getMessage(), e);
    } catch (StoreException e) {
      throw new UsageException(e.getMessage() + hint, e);
    } catch (IOException e) {
      throw new UsageException(location + ": cannot open the store: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
