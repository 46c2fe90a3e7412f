package io.kubetrail.collect;

import io.kubetrail.event.DecodeLimits;
import io.kubetrail.policy.PolicyEvaluator;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link Ingester} treats what it reads. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code cluster} = {@value #DEFAULT_CLUSTER}: the cluster every ingested event is stored
 *       under.
 *   <li>{@code policy} = none: with an audit policy, each event is rewritten (or dropped) as
 *       kube-apiserver would have logged it under that policy.
 *   <li>{@code redactSecrets} = true: Secret values are hashed ({@link SecretRedactor}).
 *   <li>{@code limits} = {@link DecodeLimits#defaults()}.
 *   <li>{@code batchEvents} = {@value #DEFAULT_BATCH_EVENTS} and {@code batchBytes} = {@value
 *       #DEFAULT_BATCH_BYTES} (16 MiB): a batch is appended when it holds either many events or
 *       that many bytes of raw JSON; larger batches amortise each append's commit, smaller ones
 *       hold less memory. Two batches may be in memory at once (one being read, one appended).
 *   <li>{@code maxQueuedBytes} = {@value #DEFAULT_MAX_QUEUED_BYTES} (16 MiB): raw JSON of events
 *       handed to the pipeline and not yet stored; a source waits (or a webhook answers 429) while
 *       more would be queued.
 *   <li>{@code retryAppends} = false: when an append fails, stop ({@code ingest}); true retries
 *       with growing pauses up to 30 s, for a collector that must outlive a full disk or a store
 *       that is briefly unreachable.
 *   <li>{@code maxListedRejections} = {@value #DEFAULT_MAX_LISTED_REJECTIONS}: how many rejected
 *       records the {@link IngestSummary} lists; all are counted.
 * </ul>
 */
public final class IngestOptions {
  public static final String DEFAULT_CLUSTER = "default";
  public static final int DEFAULT_BATCH_EVENTS = 8192;
  public static final int DEFAULT_BATCH_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_LISTED_REJECTIONS = 10;
  public static final int DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

  private static final IngestOptions DEFAULTS = builder().build();

  private final String cluster;
  private final Optional<PolicyEvaluator> policy;
  private final boolean redactSecrets;
  private final DecodeLimits limits;
  private final int batchEvents;
  private final int batchBytes;
  private final int maxListedRejections;
  private final int maxQueuedBytes;
  private final boolean retryAppends;
  private final Clock clock;

  private IngestOptions(Builder b) {
    this.cluster = b.cluster;
    this.policy = b.policy;
    this.redactSecrets = b.redactSecrets;
    this.limits = b.limits;
    this.batchEvents = b.batchEvents;
    this.batchBytes = b.batchBytes;
    this.maxListedRejections = b.maxListedRejections;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.retryAppends = b.retryAppends;
    this.clock = b.clock;
  }

  public static IngestOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String cluster() {
    return cluster;
  }

  public Optional<PolicyEvaluator> policy() {
    return policy;
  }

  public boolean redactSecrets() {
    return redactSecrets;
  }

  public DecodeLimits limits() {
    return limits;
  }

  public int batchEvents() {
    return batchEvents;
  }

  public int batchBytes() {
    return batchBytes;
  }

  public int maxListedRejections() {
    return maxListedRejections;
  }

  public int maxQueuedBytes() {
    return maxQueuedBytes;
  }

  public boolean retryAppends() {
    return retryAppends;
  }

  /** The clock that stamps {@code generated_time}. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "IngestOptions[cluster="
        + cluster
        + ", policy="
        + policy.isPresent()
        + ", redactSecrets="
        + redactSecrets
        + ", limits="
        + limits
        + ", batchEvents="
        + batchEvents
        + ", batchBytes="
        + batchBytes
        + ", maxListedRejections="
        + maxListedRejections
        + ", maxQueuedBytes="
        + maxQueuedBytes
        + ", retryAppends="
        + retryAppends
        + "]";
  }

  /** Builder; setters reject values that could never work. */
  public static final class Builder {
    private String cluster = DEFAULT_CLUSTER;
    private Optional<PolicyEvaluator> policy = Optional.empty();
    private boolean redactSecrets = true;
    private DecodeLimits limits = DecodeLimits.defaults();
    private int batchEvents = DEFAULT_BATCH_EVENTS;
    private int batchBytes = DEFAULT_BATCH_BYTES;
    private int maxListedRejections = DEFAULT_MAX_LISTED_REJECTIONS;
    private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private boolean retryAppends;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder cluster(String value) {
      Objects.requireNonNull(value, "cluster");
      if (value.isBlank()) {
        throw new IllegalArgumentException("cluster name must not be blank");
      }
      this.cluster = value;
      return this;
    }

    public Builder policy(PolicyEvaluator value) {
      this.policy = Optional.of(value);
      return this;
    }

    public Builder redactSecrets(boolean value) {
      this.redactSecrets = value;
      return this;
    }

    public Builder limits(DecodeLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    public Builder batchEvents(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("batchEvents must be at least 1, was " + value);
      }
      this.batchEvents = value;
      return this;
    }

    public Builder batchBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("batchBytes must be at least 1, was " + value);
      }
      this.batchBytes = value;
      return this;
    }

    public Builder maxListedRejections(int value) {
      if (value < 0) {
        throw new IllegalArgumentException(
            "maxListedRejections must not be negative, was " + value);
      }
      this.maxListedRejections = value;
      return this;
    }

    public Builder maxQueuedBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 1, was " + value);
      }
      this.maxQueuedBytes = value;
      return this;
    }

    public Builder retryAppends(boolean value) {
      this.retryAppends = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public IngestOptions build() {
      return new IngestOptions(this);
    }
  }
}
