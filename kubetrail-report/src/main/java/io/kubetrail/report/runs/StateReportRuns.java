package io.kubetrail.report.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.store.StateKey;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepository;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@link ReportRuns} kept in a store's {@link StateRepository}, for a store on a cluster: each run
 * is one blob of kind {@link StateKind#REPORT_RUN} under its cluster, named by its id, written
 * whole or not at all. The blob is a zip of {@code run.json} first (so that listing reads only the
 * start of each blob) and then the report in each format, under the names a run's directory of the
 * embedded store uses.
 */
public final class StateReportRuns implements ReportRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = "run.json";

  private final StateRepository states;

  private StateReportRuns(StateRepository states) {
    this.states = states;
  }

  /** The runs kept in {@code states}. */
  public static ReportRuns in(StateRepository states) {
    return new StateReportRuns(Objects.requireNonNull(states, "states"));
  }

  @Override
  public ReportRun saveFiles(ReportRun run, Map<ReportFormat, byte[]> files) throws IOException {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(files, "files");
    StateKey key =
        new StateKey(run.cluster(), StateKind.REPORT_RUN, EmbeddedReportRuns.checkedId(run.id()));
    Optional<ReportRun> kept = read(key);
    if (kept.isPresent()) {
      return kept.get();
    }
    for (ReportFormat f : ReportFormat.values()) {
      EmbeddedReportRuns.file(files, f); // every format, before anything is written
    }
    states.put(
        key,
        out -> {
          ZipOutputStream zip = new ZipOutputStream(out);
          zip.putNextEntry(new ZipEntry(RUN));
          zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(run.toJson()));
          zip.closeEntry();
          for (ReportFormat f : ReportFormat.values()) {
            zip.putNextEntry(new ZipEntry(ReportRuns.reportFile(f)));
            zip.write(files.get(f));
            zip.closeEntry();
          }
          zip.finish();
        });
    return run;
  }

  @Override
  public List<ReportRun> list(RunFilter filter) throws IOException {
    Objects.requireNonNull(filter, "filter");
    List<ReportRun> runs = new ArrayList<>();
    for (String cluster : states.clusters()) {
      if (filter.cluster().isPresent() && !filter.cluster().get().equals(cluster)) {
        continue;
      }
      for (String id : states.list(cluster, StateKind.REPORT_RUN)) {
        read(new StateKey(cluster, StateKind.REPORT_RUN, id))
            .filter(filter::accepts)
            .ifPresent(runs::add);
      }
    }
    return EmbeddedReportRuns.newestFirst(runs, filter);
  }

  @Override
  public Optional<ReportRun> get(String id) throws IOException {
    Optional<StateKey> key = find(Objects.requireNonNull(id, "id"));
    return key.isEmpty() ? Optional.empty() : read(key.get());
  }

  @Override
  public InputStream open(String id, ReportFormat format) throws IOException {
    Objects.requireNonNull(format, "format");
    Optional<StateKey> key = find(id);
    Optional<InputStream> blob = key.isEmpty() ? Optional.empty() : states.open(key.get());
    if (blob.isEmpty()) {
      throw new NoSuchElementException("no report run " + id);
    }
    ZipInputStream zip = new ZipInputStream(blob.get());
    try {
      String name = ReportRuns.reportFile(format);
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals(name)) {
          // The entry's bytes, then the blob closes with it.
          return new FilterInputStream(zip) {};
        }
      }
      throw new IOException(states.describe(key.get()) + ": the run holds no " + name);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  /** The key of the run with this id, in whichever cluster holds it. */
  private Optional<StateKey> find(String id) throws IOException {
    if (!EmbeddedReportRuns.isId(id)) {
      return Optional.empty();
    }
    for (String cluster : states.clusters()) {
      StateKey key = new StateKey(cluster, StateKind.REPORT_RUN, id);
      Optional<InputStream> blob = states.open(key);
      if (blob.isPresent()) {
        blob.get().close();
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** The run a blob holds, read from its first entry only; empty when there is none. */
  private Optional<ReportRun> read(StateKey key) throws IOException {
    Optional<InputStream> blob = states.open(key);
    if (blob.isEmpty()) {
      return Optional.empty();
    }
    try (ZipInputStream zip = new ZipInputStream(blob.get())) {
      ZipEntry first = zip.getNextEntry();
      if (first == null || !first.getName().equals(RUN)) {
        throw new IOException(states.describe(key) + ": not a report run (no " + RUN + " first)");
      }
      return ReportRun.fromJson(JSON.readTree(zip.readAllBytes()));
    }
  }
}
