package io.kubetrail.simulate;

import java.time.Instant;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * A deterministic busy Kubernetes cluster, seen through kube-apiserver's audit log. Each {@link
 * #step()} is one API request; it returns the {@code audit.k8s.io/v1} events the log backend writes
 * for it (JSON Lines, kube-apiserver's field order and formats), under a broad policy: {@code
 * RequestResponse} for writes, {@code Metadata} for everything else, no stage omitted. The same
 * seed and start always give the same bytes.
 *
 * <p>The cluster has a control-plane node and workers, applications (Deployments, ReplicaSets,
 * pods, Services, Endpoints), NetworkPolicies, service accounts and namespaces, and the people and
 * components that change them: controllers creating pods by {@code generateName}, the scheduler
 * binding them, kubelets patching their status and deleting them, the endpoints controller, lease
 * renewals, core events, people patching NetworkPolicies in all four patch styles (some refused,
 * conflicting, invalid or dry runs), preview namespaces created and deleted with the namespace
 * controller's {@code deletecollection} calls, reads, watches and health probes.
 *
 * <p>{@link #liveObjects()} is the truth a correct replayer of the log must reconstruct, by
 * kubetrail's replay rules: a change is a completed create, update, patch, delete or
 * deletecollection with a 2xx code and no {@code dryRun} in the URI; the new state of an object is
 * the {@code responseObject} of its last change (a {@code Status} response, as to {@code
 * pods/binding} or {@code pods/eviction}, changes nothing); a delete removes the object at once, a
 * Namespace's delete everything in it too; deletecollection removes the resource's objects in the
 * namespace. Objects that existed before the log started are in it only once a change shows them.
 * To keep that truth unambiguous, nothing changes an object between its delete and its final
 * removal (kube-apiserver would also log, for example, the kubelet's last status patch of a
 * terminating pod or the namespace controller's {@code finalize}); the namespace controller removes
 * a namespace with a delete.
 *
 * <p>Not thread-safe.
 */
public final class Simulation {
  /** Where the cluster's clock starts unless told otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  /** Worker nodes unless told otherwise. */
  public static final int DEFAULT_WORKER_NODES = 4;

  /** The most worker nodes a simulation takes; pod IPs are laid out per node. */
  public static final int MAX_WORKER_NODES = 250;

  private final Cluster cluster;
  private final long startMicros;
  private long steps;

  private Simulation(Builder b) {
    this.startMicros = Times.micros(b.start);
    this.cluster = new Cluster(b.seed, startMicros);
    Namespaces namespaces = new Namespaces(cluster);
    Workloads workloads = new Workloads(cluster, b.workerNodes);
    NetworkPolicies policies = new NetworkPolicies(cluster);
    namespaces.start(workloads, policies);
    new Background(cluster, workloads);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Sends the next request and returns the events written. */
  public Step step() {
    var lines = cluster.step();
    steps++;
    return new Step(steps, clusterTime(), lines);
  }

  /** How many steps have been taken. */
  public long steps() {
    return steps;
  }

  /**
   * The cluster time after the last step (the start before the first): the state at this time is
   * {@link #liveObjects()}.
   */
  public Instant clusterTime() {
    return Times.instant(cluster.clusterTime());
  }

  /**
   * Every live object's full JSON body, keyed and sorted by {@link ObjectKey}, as of now: an
   * immutable copy.
   */
  public NavigableMap<ObjectKey, String> liveObjects() {
    return cluster.truth.snapshot();
  }

  /** How many objects {@link #liveObjects()} would return. */
  public int liveObjectCount() {
    return cluster.truth.size();
  }

  /** Settings of a simulation; each has a default but the seed. */
  public static final class Builder {
    private long seed;
    private Instant start = DEFAULT_START;
    private int workerNodes = DEFAULT_WORKER_NODES;

    private Builder() {}

    /** The seed of every random choice; the same seed gives the same log. Default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * When the first request arrives, roughly; default {@link #DEFAULT_START}. Audit timestamps
     * have microsecond precision: anything finer is dropped.
     */
    public Builder start(Instant start) {
      Objects.requireNonNull(start, "start");
      if (start.isBefore(Instant.EPOCH) || start.isAfter(Instant.parse("9000-01-01T00:00:00Z"))) {
        throw new IllegalArgumentException(
            "start must be between 1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z: " + start);
      }
      this.start = start;
      return this;
    }

    /** Worker nodes, 1 to {@link #MAX_WORKER_NODES}; default {@link #DEFAULT_WORKER_NODES}. */
    public Builder workerNodes(int workerNodes) {
      if (workerNodes < 1 || workerNodes > MAX_WORKER_NODES) {
        throw new IllegalArgumentException(
            "workerNodes must be 1 to " + MAX_WORKER_NODES + ": " + workerNodes);
      }
      this.workerNodes = workerNodes;
      return this;
    }

    public Simulation build() {
      return new Simulation(this);
    }
  }
}
