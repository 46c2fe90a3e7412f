package io.kubetrail.collect;

import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads audit files once into a store: the {@link Pipeline} fed by files (today's {@code ingest}).
 *
 * <p>Sources are JSON Lines (one Event, or one EventList, per line) or JSON documents spread over
 * lines (an EventList, pretty-printed events), either possibly gzip-compressed. For JSON Lines
 * files, each batch carries the file's {@link FileCheckpoint checkpoint}, so a later ingest of the
 * same file, grown, renamed or compressed since, starts after what was stored. Every ingest is
 * idempotent anyway: the store keeps each event once.
 *
 * <p>A bad record is counted, listed in the summary and skipped; a store failure stops the ingest
 * with an {@link IngestFailedException}, and what was appended before it stays stored whole.
 *
 * <p>Decoding runs on the calling thread while the pipeline's thread appends the previous batch, so
 * the two overlap.
 */
public final class Ingester {
  private final Sink sink;
  private final IngestOptions options;
  private final PipelineListener pipelineListener;
  private final DeadLetters deadLetters;

  public Ingester(AuditStore store, IngestOptions options) {
    this(Sink.of(store), options, PipelineListener.NONE, DeadLetters.NONE);
  }

  /**
   * @param pipelineListener hears each committed batch (state checkpoints, metrics)
   */
  public Ingester(
      Sink sink,
      IngestOptions options,
      PipelineListener pipelineListener,
      DeadLetters deadLetters) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.options = Objects.requireNonNull(options, "options");
    this.pipelineListener = Objects.requireNonNull(pipelineListener, "pipelineListener");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
  }

  /**
   * Ingests files in the order given (see {@link AuditFiles#expand} for directories).
   *
   * @throws IngestFailedException when the store fails; earlier batches stay stored
   * @throws IOException when a file cannot be read
   */
  public IngestSummary ingest(List<Path> files, IngestListener listener) throws IOException {
    return ingest(files, RecordFormat.AUDIT, listener);
  }

  /**
   * Ingests files of records in {@code format} (exports from managed control planes, say), in the
   * order given.
   *
   * @throws IngestFailedException when the store fails; earlier batches stay stored
   * @throws IOException when a file cannot be read
   */
  public IngestSummary ingest(List<Path> files, RecordFormat format, IngestListener listener)
      throws IOException {
    return run(FilesSource.of(files, format, listener));
  }

  /**
   * Ingests one stream, such as standard input; nothing is checkpointed. The stream is closed.
   *
   * @param sourceName how positions name the stream, e.g. {@code <stdin>}
   */
  public IngestSummary ingest(InputStream in, String sourceName, IngestListener listener)
      throws IOException {
    return ingest(in, sourceName, RecordFormat.AUDIT, listener);
  }

  /** Ingests one stream of records in {@code format}; nothing is checkpointed. */
  public IngestSummary ingest(
      InputStream in, String sourceName, RecordFormat format, IngestListener listener)
      throws IOException {
    return run(FilesSource.of(in, sourceName, format, listener));
  }

  private IngestSummary run(FilesSource source) throws IOException {
    Pipeline pipeline = new Pipeline(sink, options, pipelineListener, deadLetters);
    try {
      try {
        pipeline.run(source);
      } finally {
        pipeline.close();
      }
    } catch (IngestFailedException e) {
      throw new IngestFailedException(
          e.getMessage() + ", ingest stopped",
          source.summary(pipeline.stored(), pipeline.duplicates()),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    return source.summary(pipeline.stored(), pipeline.duplicates());
  }
}
