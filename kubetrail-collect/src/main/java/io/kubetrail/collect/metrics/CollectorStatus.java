package io.kubetrail.collect.metrics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubetrail.store.StateKey;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a running collector last said about itself, kept in a small JSON file beside the store so
 * that {@code kubetrail status} can show it without reaching the collector; for a store on a
 * cluster, in its state repository too ({@link StateKind#COLLECTOR_STATUS}), so that {@code status}
 * shows it on every machine.
 *
 * @param updated when the collector wrote this (RFC 3339)
 * @param pid the collector's process id
 * @param sources one entry per source
 * @param queuedBytes events read and not yet stored
 * @param bufferBytes bytes of batches in the on-disk buffer, waiting for the store
 * @param bufferBatches batches in the on-disk buffer
 * @param bufferOldest when the oldest of them was buffered (RFC 3339); empty when there is none
 * @param appendFailures appends that failed (and were retried)
 * @param lastError the last failure; empty when there was none
 * @param stopped true in the last status a collector writes as it stops
 * @param storeUnreachable why the store cannot be reached, from the last failure to reach it until
 *     the next append it took; empty while it can
 */
public record CollectorStatus(
    String updated,
    long pid,
    List<Source> sources,
    long queuedBytes,
    long bufferBytes,
    long bufferBatches,
    String bufferOldest,
    long appendFailures,
    String lastError,
    boolean stopped,
    String storeUnreachable) {

  /** The file name, in the collector's status directory. */
  public static final String FILE = "collector-status.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public CollectorStatus {
    sources = List.copyOf(sources);
    // A status written before there was a buffer has none.
    bufferOldest = bufferOldest == null ? "" : bufferOldest;
    storeUnreachable = storeUnreachable == null ? "" : storeUnreachable;
  }

  /**
   * One source's counts since the collector started.
   *
   * @param read records read
   * @param bytes bytes of events read
   * @param stored events in committed batches (duplicates included)
   * @param malformed records rejected
   * @param deadLettered records written to the dead-letter file
   * @param newestEvent the newest event committed ({@code requestReceivedTimestamp}, RFC 3339);
   *     empty before the first
   * @param lagSeconds at the last commit, how far the newest committed event was behind the clock
   */
  public record Source(
      String name,
      long read,
      long bytes,
      long stored,
      long malformed,
      long deadLettered,
      String newestEvent,
      double lagSeconds) {}

  /** Writes the status to {@code file} atomically: a reader sees the old or the new one whole. */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, FILE, ".tmp");
    try {
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes the status into a store's state repository, as the status of the cluster's collector.
   */
  public void write(StateRepository states, String cluster) throws IOException {
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    states.put(key(cluster), out -> out.write(json));
  }

  /**
   * The newest status a collector wrote into a store's state repository, of whichever cluster;
   * empty when none did.
   */
  public static Optional<CollectorStatus> read(StateRepository states) throws IOException {
    Optional<CollectorStatus> newest = Optional.empty();
    for (String cluster : states.clusters()) {
      Optional<InputStream> in = states.open(key(cluster));
      if (in.isEmpty()) {
        continue;
      }
      CollectorStatus status;
      try (InputStream s = in.get()) {
        status = JSON.readValue(s, CollectorStatus.class);
      }
      if (newest.isEmpty()
          || Instant.parse(status.updated()).isAfter(Instant.parse(newest.get().updated()))) {
        newest = Optional.of(status);
      }
    }
    return newest;
  }

  private static StateKey key(String cluster) {
    return new StateKey(cluster, StateKind.COLLECTOR_STATUS, "status");
  }

  /** Reads a status file; empty when there is none. */
  public static Optional<CollectorStatus> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(file.toFile(), CollectorStatus.class));
  }
}
