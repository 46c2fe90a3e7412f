package io.kubetrail.collect.config;

import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.webhook.WebhookOptions;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.format.RecordFormat;
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
 * @param buffer the on-disk buffer for batches the store (or the central kubetrail) does not take;
 *     empty with {@code buffer: false}
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
    Optional<Path> reports,
    Optional<Buffer> buffer) {

  public CollectorConfig {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(deadLetter, "deadLetter");
    Objects.requireNonNull(limits, "limits");
    sources = List.copyOf(sources);
    Objects.requireNonNull(reports, "reports");
    Objects.requireNonNull(buffer, "buffer");
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

  /**
   * The on-disk buffer.
   *
   * @param directory where it is kept; by default {@code buffer} beside the collector's status file
   *     (in the store's directory, or for an OpenSearch store its local state directory)
   * @param maxBytes its most bytes; {@link BufferOptions#DEFAULT_MAX_BYTES} by default
   */
  public record Buffer(Optional<Path> directory, long maxBytes) {
    /** The buffer when the file says nothing of it. */
    public static final Buffer DEFAULT =
        new Buffer(Optional.empty(), BufferOptions.DEFAULT_MAX_BYTES);

    public Buffer {
      Objects.requireNonNull(directory, "directory");
    }

    /** Its options, in {@code defaultDirectory} unless the file names one. */
    public BufferOptions options(Path defaultDirectory) {
      return new BufferOptions(directory.orElse(defaultDirectory), maxBytes);
    }
  }

  /** One source of events. */
  public sealed interface SourceConfig
      permits FileSource, WebhookSource, DirectorySource, EksCloudwatchLog {}

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

  /**
   * A directory where exported audit logs land (GKE, AKS, or kube-apiserver's own files).
   *
   * @param format the shape of the records; {@code auto} tells each record's by itself
   * @param pollMillis how often the directory is looked at; a file is read once unchanged this long
   */
  public record DirectorySource(Path path, RecordFormat format, long pollMillis)
      implements SourceConfig {
    public static final long DEFAULT_POLL_MILLIS = 10_000;

    public DirectorySource {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(format, "format");
    }
  }

  /**
   * EKS audit events drained from CloudWatch Logs, configured as Calico's {@code
   * LogCollector.spec.additionalSources.eksCloudwatchLog}.
   *
   * @param region the AWS region of the log group, e.g. {@code us-west-2}
   * @param groupName the log group, e.g. {@code /aws/eks/demo/cluster}
   * @param streamPrefix the prefix of the streams read; {@value #DEFAULT_STREAM_PREFIX} by default
   * @param fetchIntervalSeconds how often every stream is drained; {@value
   *     #DEFAULT_FETCH_INTERVAL_SECONDS} by default
   * @param credentialsSecret a Kubernetes Secret (YAML) whose {@code aws-id} and {@code aws-key}
   *     hold the access key; AWS's default credential chain when empty
   * @param endpoint another CloudWatch Logs endpoint (a VPC endpoint, a test server)
   */
  public record EksCloudwatchLog(
      String region,
      String groupName,
      String streamPrefix,
      long fetchIntervalSeconds,
      Optional<Path> credentialsSecret,
      Optional<URI> endpoint)
      implements SourceConfig {
    public static final String DEFAULT_STREAM_PREFIX = "kube-apiserver-audit-";
    public static final long DEFAULT_FETCH_INTERVAL_SECONDS = 60;

    public EksCloudwatchLog {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(groupName, "groupName");
      Objects.requireNonNull(streamPrefix, "streamPrefix");
      Objects.requireNonNull(credentialsSecret, "credentialsSecret");
      Objects.requireNonNull(endpoint, "endpoint");
      if (fetchIntervalSeconds < 1) {
        throw new IllegalArgumentException(
            "fetchInterval must be at least 1 second, was " + fetchIntervalSeconds);
      }
    }
  }
}
