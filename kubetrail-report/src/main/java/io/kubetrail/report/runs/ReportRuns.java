package io.kubetrail.report.runs;

import io.kubetrail.report.Report;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportWriter;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Where the runs of scheduled reports are kept: the embedded store in its directory ({@link
 * EmbeddedReportRuns}), a store on a cluster in its state repository ({@link StateReportRuns}), so
 * that every machine reading it sees the same runs; {@link #of} chooses. The command line's {@code
 * report list|show|download} and the HTTP API read runs through it; the scheduler saves them.
 */
public interface ReportRuns {

  /**
   * The runs kept with a store: in its directory when it has one, else in its {@link
   * AuditStore#states() state repository}.
   *
   * @param location the store's location, as {@link io.kubetrail.store.AuditStores#open} takes it
   */
  static ReportRuns of(String location, AuditStore store) {
    Optional<Path> directory = AuditStores.directory(location);
    return directory.isPresent()
        ? EmbeddedReportRuns.in(directory.get())
        : StateReportRuns.in(store.states());
  }

  /**
   * Keeps a run and its report in every format, whole or not at all. Saving a run whose id is kept
   * already keeps the first.
   *
   * @return the run as kept
   */
  default ReportRun save(ReportRun run, Report report) throws IOException {
    Objects.requireNonNull(report, "report");
    return saveFiles(run, files(report));
  }

  /**
   * Keeps a run with its report as files, one per format ({@link #files}), whole or not at all, as
   * {@link #save} does: how runs are copied from one store to another.
   *
   * @return the run as kept
   */
  ReportRun saveFiles(ReportRun run, Map<ReportFormat, byte[]> files) throws IOException;

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
   * Copies every run {@code to} does not have from {@code from}, with its report in every format.
   *
   * @return how many runs were copied
   */
  static long copy(ReportRuns from, ReportRuns to) throws IOException {
    long copied = 0;
    for (ReportRun run : from.list(RunFilter.all().withLimit(Integer.MAX_VALUE))) {
      if (to.get(run.id()).isPresent()) {
        continue;
      }
      Map<ReportFormat, byte[]> files = new EnumMap<>(ReportFormat.class);
      for (ReportFormat f : ReportFormat.values()) {
        try (InputStream in = from.open(run.id(), f)) {
          files.put(f, in.readAllBytes());
        }
      }
      to.saveFiles(run, files);
      copied++;
    }
    return copied;
  }

  /**
   * A report as the files a run keeps, one per format: JSON, YAML and HTML as one document, CSV as
   * a zip of Calico's files.
   */
  static Map<ReportFormat, byte[]> files(Report report) throws IOException {
    Map<ReportFormat, byte[]> files = new EnumMap<>(ReportFormat.class);
    for (ReportFormat f : List.of(ReportFormat.JSON, ReportFormat.YAML, ReportFormat.HTML)) {
      files.put(f, ReportWriter.files(report, f).values().iterator().next());
    }
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      for (Map.Entry<String, byte[]> f : ReportWriter.files(report, ReportFormat.CSV).entrySet()) {
        z.putNextEntry(new ZipEntry(f.getKey()));
        z.write(f.getValue());
        z.closeEntry();
      }
    }
    files.put(ReportFormat.CSV, zip.toByteArray());
    return files;
  }

  /** The name of a run's report file in a format: {@code report.json}, {@code report.csv.zip}. */
  static String reportFile(ReportFormat format) {
    return format == ReportFormat.CSV ? "report.csv.zip" : "report." + format.id();
  }

  /**
   * The file name a download of a run in a format goes by: {@code daily-20260102T000000Z.csv.zip}.
   */
  static String fileName(String id, ReportFormat format) {
    return id + (format == ReportFormat.CSV ? ".csv.zip" : "." + format.id());
  }
}
