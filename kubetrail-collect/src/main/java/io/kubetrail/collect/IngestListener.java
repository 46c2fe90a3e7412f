package io.kubetrail.collect;

/**
 * Hears how an ingest progresses, for progress bars and logs. Called on the ingesting thread; keep
 * it quick.
 */
public interface IngestListener {
  /** Hears nothing. */
  IngestListener NONE = new IngestListener() {};

  /**
   * A source is about to be read.
   *
   * @param index 1-based position of the source among {@code count}
   * @param bytes its size on disk, or -1 when unknown (a stream)
   */
  default void sourceStarted(String source, int index, int count, long bytes) {}

  /**
   * Reading goes on: called after each batch is handed to the store.
   *
   * @param bytesDone bytes of the sources read so far, counted as on disk (compressed for gzip)
   * @param bytesTotal bytes of all the sources on disk; -1 when unknown
   * @param soFar the counts so far (stored and duplicates lag behind by the batches in flight)
   */
  default void progress(long bytesDone, long bytesTotal, IngestSummary soFar) {}
}
