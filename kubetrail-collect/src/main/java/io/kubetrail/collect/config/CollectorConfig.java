package io.kubetrail.collect.config;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.webhook.WebhookOptions;
import io.kubetrail.event.DecodeLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code kubetrail collect} runs: see the README's "Collecting continuously" for every field.
 * Paths are absolute: relative ones in the file are taken from the file's directory.
 *
 * @param destination where events go: a store, or a central kubetrail to forward to
 * @param cluster the cluster every event is stored under
 * @param policy an audit policy file: keep only what it would have logged
 * @param redactSecrets hash Secret values before they are stored or forwarded
 * @param metrics where to serve {@code /metrics} and {@code /healthz}
 * @param deadLetter the file rejected records are written to
 * @param limits limits on each record read
 * @param sources where events come from; at least one
 * @param reports a file of Calico GlobalReports to make on schedule into the store
 */
public record CollectorConfig(
    Destination destination,
    String cluster,
    Optional<Path> policy,
    boolean redactSecrets,
    Optional<Metrics> metrics,
    Optional<Path> deadLetter,
    DecodeLimits limits,
    List<SourceConfig> sources,
    Optional<Path> reports) {

  public CollectorConfig {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(deadLetter, "deadLetter");
    Objects.requireNonNull(limits, "limits");
    sources = List.copyOf(sources);
    Objects.requireNonNull(reports, "reports");
  }

  /**
   * Reads and checks a configuration file.
   *
   * @throws ConfigException naming every bad field, with what is allowed
   * @throws IOException when the file cannot be read
   */
  public static CollectorConfig load(Path file) throws IOException, ConfigException {
    return ConfigParser.parse(file);
  }

  /** Where collected events go. */
  public sealed interface Destination permits Store, Forward {}

  /** A store, by its location (a directory). */
  public record Store(String location) implements Destination {}

  /**
   * A central kubetrail's webhook source, for per-node collectors.
   *
   * @param url its webhook URL, https
   * @param ca the CA that signed its certificate; the system's trust store when empty
   * @param tokenFile the bearer token to present
   * @param positions the file where the positions reached in each source are kept
   */
  public record Forward(URI url, Optional<Path> ca, Optional<Path> tokenFile, Path positions)
      implements Destination {}

  /**
   * Where metrics are served.
   *
   * @param tokenFile the bearer token {@code /metrics} requires; needed beyond loopback
   */
  public record Metrics(Endpoint listen, Optional<Path> tokenFile) {}

  /** One source of events. */
  public sealed interface SourceConfig permits FileSource, WebhookSource {}

  /**
   * An audit log file, followed as kube-apiserver writes and rotates it.
   *
   * @param pollMillis how often the file is checked for new lines
   */
  public record FileSource(Path path, long pollMillis) implements SourceConfig {
    public static final long DEFAULT_POLL_MILLIS = 250;
  }

  /**
   * An HTTPS endpoint that kube-apiserver's webhook backend (or a forwarding collector) posts
   * EventLists to.
   */
  public record WebhookSource(WebhookOptions options) implements SourceConfig {}
}
