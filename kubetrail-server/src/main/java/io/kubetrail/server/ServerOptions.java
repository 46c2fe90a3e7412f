package io.kubetrail.server;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.report.runs.ReportDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server runs, with its limits. Defaults:
 *
 * <ul>
 *   <li>{@code listen} = 127.0.0.1:8080 ({@code --listen});
 *   <li>{@code defaultPageSize} = 100, {@code maxPageSize} = 1,000: requests per search page
 *       ({@code limit}); pages continue through the cursor without a ceiling;
 *   <li>{@code maxExportRows} = 100,000: requests one export returns;
 *   <li>{@code maxFacetValues} = 1,000: values per facet field;
 *   <li>{@code sessionLifetime} = 12 h: how long a browser's login lasts;
 *   <li>{@code maxBodyBytes} = 1 MiB: the largest request body (a policy to check);
 *   <li>{@code threads} = 200 (Jetty's default): the most requests in the server at once, those
 *       waiting for their search's turn ({@code searchesAtOnce}) included (HTTP keep-alive
 *       connections hold no thread). A request beyond them waits unread, in no set order: with 16
 *       threads and 50 clients searching, most searches waited there instead of in the searches'
 *       queue, and the slowest hundredth waited longer (bench/README.md, "HTTP API search");
 *   <li>{@code searchesAtOnce} = the number of processors: the most event searches ({@code GET
 *       /events}) run at once; more wait their turn, in the order they came;
 *   <li>{@code searchCacheBytes} = an eighth of the heap's limit, at least 64 MiB: memory for the
 *       events search pages read, kept for later pages by their place in the store (not results:
 *       each search still runs its query); most searches read the newest events;
 *   <li>{@code reportDefinitions} = none: the scheduled reports ({@code reports.yaml}) the API
 *       lists and runs now.
 * </ul>
 *
 * @param storeLocation the store the API reads: a directory, or an OpenSearch cluster's URL
 * @param storeDirectory the store's local directory: the store itself, or for a cluster the
 *     directory of its report runs (its snapshots and checkpoints are kept in the cluster)
 * @param accessLogDirectory where the access log is stored (a store of its own)
 * @param tls the certificate and key files (PEM) for HTTPS, when given
 * @param reportDefinitions the scheduled reports, as a collector's {@code reports:} file defines
 *     them; their kept runs are read from {@code storeDirectory} whether or not they are given
 */
public record ServerOptions(
    String storeLocation,
    Path storeDirectory,
    Path accessLogDirectory,
    Endpoint listen,
    Optional<Tls> tls,
    int defaultPageSize,
    int maxPageSize,
    int maxExportRows,
    int maxFacetValues,
    Duration sessionLifetime,
    int maxBodyBytes,
    int threads,
    int searchesAtOnce,
    long searchCacheBytes,
    List<ReportDefinition> reportDefinitions) {

  /** PEM files of the server's certificate chain and private key. */
  public record Tls(Path certificate, Path key) {
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
    }
  }

  public ServerOptions {
    Objects.requireNonNull(storeLocation, "storeLocation");
    Objects.requireNonNull(storeDirectory, "storeDirectory");
    Objects.requireNonNull(accessLogDirectory, "accessLogDirectory");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    reportDefinitions = List.copyOf(reportDefinitions);
    if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
      throw new IllegalArgumentException(
          "defaultPageSize must be in [1, maxPageSize "
              + maxPageSize
              + "], was "
              + defaultPageSize);
    }
    if (threads < 4) {
      // Jetty's acceptor and selector take threads of the same pool.
      throw new IllegalArgumentException("threads must be at least 4, was " + threads);
    }
    if (searchesAtOnce < 1) {
      throw new IllegalArgumentException(
          "searchesAtOnce must be at least 1, was " + searchesAtOnce);
    }
    if (searchCacheBytes < 0) {
      throw new IllegalArgumentException(
          "searchCacheBytes must not be negative, was " + searchCacheBytes);
    }
    if (maxPageSize > 10_000) {
      throw new IllegalArgumentException("maxPageSize must be at most 10000, was " + maxPageSize);
    }
  }

  /** The defaults for a store; the access log beside it, in {@code <store>-access-log}. */
  public static ServerOptions defaults(Path storeDirectory) {
    return new Builder(storeDirectory).build();
  }

  /** A store that is not the directory itself (an OpenSearch cluster's URL). */
  public ServerOptions withStoreLocation(String value) {
    Builder b = toBuilder();
    b.storeLocation = value;
    return b.build();
  }

  public ServerOptions withListen(Endpoint value) {
    Builder b = toBuilder();
    b.listen = value;
    return b.build();
  }

  public ServerOptions withTls(Tls value) {
    Builder b = toBuilder();
    b.tls = Optional.of(value);
    return b.build();
  }

  public ServerOptions withAccessLogDirectory(Path value) {
    Builder b = toBuilder();
    b.accessLogDirectory = value;
    return b.build();
  }

  public ServerOptions withReportDefinitions(List<ReportDefinition> value) {
    Builder b = toBuilder();
    b.reportDefinitions = List.copyOf(value);
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(storeDirectory);
    b.storeLocation = storeLocation;
    b.accessLogDirectory = accessLogDirectory;
    b.listen = listen;
    b.tls = tls;
    b.defaultPageSize = defaultPageSize;
    b.maxPageSize = maxPageSize;
    b.maxExportRows = maxExportRows;
    b.maxFacetValues = maxFacetValues;
    b.sessionLifetime = sessionLifetime;
    b.maxBodyBytes = maxBodyBytes;
    b.threads = threads;
    b.searchesAtOnce = searchesAtOnce;
    b.searchCacheBytes = searchCacheBytes;
    b.reportDefinitions = reportDefinitions;
    return b;
  }

  /** The options under construction, starting from the defaults. */
  private static final class Builder {
    private final Path storeDirectory;
    private String storeLocation;
    private Path accessLogDirectory;
    private Endpoint listen = new Endpoint("127.0.0.1", 8080);
    private Optional<Tls> tls = Optional.empty();
    private int defaultPageSize = 100;
    private int maxPageSize = 1000;
    private int maxExportRows = 100_000;
    private int maxFacetValues = 1000;
    private Duration sessionLifetime = Duration.ofHours(12);
    private int maxBodyBytes = 1 << 20;
    private int threads = 200;
    private int searchesAtOnce = Runtime.getRuntime().availableProcessors();
    private long searchCacheBytes =
        Math.max(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    private List<ReportDefinition> reportDefinitions = List.of();

    Builder(Path storeDirectory) {
      this.storeDirectory = storeDirectory;
      this.storeLocation = storeDirectory.toString();
      Path abs = storeDirectory.toAbsolutePath().normalize();
      this.accessLogDirectory = abs.resolveSibling(abs.getFileName() + "-access-log");
    }

    ServerOptions build() {
      return new ServerOptions(
          storeLocation,
          storeDirectory,
          accessLogDirectory,
          listen,
          tls,
          defaultPageSize,
          maxPageSize,
          maxExportRows,
          maxFacetValues,
          sessionLifetime,
          maxBodyBytes,
          threads,
          searchesAtOnce,
          searchCacheBytes,
          reportDefinitions);
    }
  }
}
