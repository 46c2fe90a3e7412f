package io.kubetrail.collect;

import java.io.IOException;
import java.util.Objects;

/**
 * The store failed during an ingest, which stopped there. Every batch appended before the failure
 * is stored whole with its checkpoint, and nothing of the failed batch is: ingesting the same
 * sources again resumes after what was stored.
 */
public class IngestFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient IngestSummary committed;

  public IngestFailedException(String message, IngestSummary committed, Throwable cause) {
    super(message, cause);
    this.committed = Objects.requireNonNull(committed, "committed");
  }

  /** What was read and stored before the failure. */
  public IngestSummary committed() {
    return committed;
  }
}
