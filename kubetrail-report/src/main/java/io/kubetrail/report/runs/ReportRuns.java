package io.kubetrail.report.runs;

import io.kubetrail.report.Report;
import io.kubetrail.report.ReportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where the runs of scheduled reports are kept: each store backend provides one (the embedded store
 * in its directory, see {@link EmbeddedReportRuns}). The command line's {@code report
 * list|show|download} and the HTTP API read runs through it; the scheduler saves them.
 */
public interface ReportRuns {

  /**
   * Keeps a run and its report in every format, whole or not at all. Saving a run whose id is kept
   * already keeps the first.
   *
   * @return the run as kept
   */
  ReportRun save(ReportRun run, Report report) throws IOException;

  /** The runs the filter accepts, newest period first, at most its limit. */
  List<ReportRun> list(RunFilter filter) throws IOException;

  /** One run by id; empty when there is none. */
  Optional<ReportRun> get(String id) throws IOException;

  /**
   * A run's report in a format: JSON, YAML and HTML as one document; CSV as a zip of Calico's files
   * ({@code summary.csv}, {@code endpoints.csv}, ...). The caller closes the stream.
   *
   * @throws java.util.NoSuchElementException when there is no run with this id
   */
  InputStream open(String id, ReportFormat format) throws IOException;

  /**
   * The file name a download of a run in a format goes by: {@code daily-20260102T000000Z.csv.zip}.
   */
  static String fileName(String id, ReportFormat format) {
    return id + (format == ReportFormat.CSV ? ".csv.zip" : "." + format.id());
  }
}
