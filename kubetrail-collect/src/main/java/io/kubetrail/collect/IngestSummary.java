package io.kubetrail.collect;

import io.kubetrail.event.DecodeResult;
import java.util.List;

/**
 * What an ingest did. Counts are records; every record read is exactly one of stored, duplicate,
 * filtered or malformed.
 *
 * @param files sources read
 * @param resumedFiles files whose reading started at a checkpoint, past what an earlier ingest
 *     already stored
 * @param read records read: events and malformed records
 * @param stored events newly stored
 * @param duplicates events the store already had (or that appeared twice)
 * @param filtered events the audit policy dropped
 * @param malformed records rejected: bad JSON, not an audit event, or over a limit
 * @param firstRejections the first malformed records, each with file, line and reason
 */
public record IngestSummary(
    long files,
    long resumedFiles,
    long read,
    long stored,
    long duplicates,
    long filtered,
    long malformed,
    List<DecodeResult.Rejected> firstRejections) {

  /** Nothing read. */
  public static final IngestSummary NONE = new IngestSummary(0, 0, 0, 0, 0, 0, 0, List.of());

  public IngestSummary {
    firstRejections = List.copyOf(firstRejections);
  }

  /** True when every record read was accepted. */
  public boolean clean() {
    return malformed == 0;
  }
}
