package io.kubetrail.server;

import io.kubetrail.collect.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
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
 *   <li>{@code maxBodyBytes} = 1 MiB: the largest request body (a policy to check).
 * </ul>
 *
 * @param storeDirectory the store the API reads
 * @param accessLogDirectory where the access log is stored (a store of its own)
 * @param tls the certificate and key files (PEM) for HTTPS, when given
 */
public record ServerOptions(
    Path storeDirectory,
    Path accessLogDirectory,
    Endpoint listen,
    Optional<Tls> tls,
    int defaultPageSize,
    int maxPageSize,
    int maxExportRows,
    int maxFacetValues,
    Duration sessionLifetime,
    int maxBodyBytes) {

  /** PEM files of the server's certificate chain and private key. */
  public record Tls(Path certificate, Path key) {
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
    }
  }

  public ServerOptions {
    Objects.requireNonNull(storeDirectory, "storeDirectory");
    Objects.requireNonNull(accessLogDirectory, "accessLogDirectory");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
      throw new IllegalArgumentException(
          "defaultPageSize must be in [1, maxPageSize "
              + maxPageSize
              + "], was "
              + defaultPageSize);
    }
    if (maxPageSize > 10_000) {
      throw new IllegalArgumentException("maxPageSize must be at most 10000, was " + maxPageSize);
    }
  }

  /** The defaults for a store; the access log beside it, in {@code <store>-access-log}. */
  public static ServerOptions defaults(Path storeDirectory) {
    Path abs = storeDirectory.toAbsolutePath().normalize();
    Path accessLog = abs.resolveSibling(abs.getFileName() + "-access-log");
    return new ServerOptions(
        storeDirectory,
        accessLog,
        new Endpoint("127.0.0.1", 8080),
        Optional.empty(),
        100,
        1000,
        100_000,
        1000,
        Duration.ofHours(12),
        1 << 20);
  }

  public ServerOptions withListen(Endpoint value) {
    return new ServerOptions(
        storeDirectory,
        accessLogDirectory,
        value,
        tls,
        defaultPageSize,
        maxPageSize,
        maxExportRows,
        maxFacetValues,
        sessionLifetime,
        maxBodyBytes);
  }

  public ServerOptions withTls(Tls value) {
    return new ServerOptions(
        storeDirectory,
        accessLogDirectory,
        listen,
        Optional.of(value),
        defaultPageSize,
        maxPageSize,
        maxExportRows,
        maxFacetValues,
        sessionLifetime,
        maxBodyBytes);
  }

  public ServerOptions withAccessLogDirectory(Path value) {
    return new ServerOptions(
        storeDirectory,
        value,
        listen,
        tls,
        defaultPageSize,
        maxPageSize,
        maxExportRows,
        maxFacetValues,
        sessionLifetime,
        maxBodyBytes);
  }
}
