package io.kubetrail.report.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.files.AtomicFiles;
import io.kubetrail.report.ReportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded store's {@link ReportRuns}: under its directory, {@code reports/ID/} holds {@code
 * run.json} and the report in each format ({@code report.json}, {@code report.yaml}, {@code
 * report.html}, {@code report.csv.zip}). A run is written in a directory of its own and renamed
 * into place, so a reader sees it whole or not at all, even after a crash; its files and the rename
 * are synced, so a run found after a power loss is whole too.
 */
public final class EmbeddedReportRuns implements ReportRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[a-z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?");
  private static final String RUN = "run.json";

  private final Path dir;

  private EmbeddedReportRuns(Path dir) {
    this.dir = dir;
  }

  /** The runs kept in the store at {@code storeDirectory}. */
  public static ReportRuns in(Path storeDirectory) {
    return new EmbeddedReportRuns(
        Objects.requireNonNull(storeDirectory, "storeDirectory").resolve("reports"));
  }

  @Override
  public ReportRun saveFiles(ReportRun run, Map<ReportFormat, byte[]> files) throws IOException {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(files, "files");
    Path target = dir.resolve(checkedId(run.id()));
    if (Files.isDirectory(target)) {
      Optional<ReportRun> kept = get(run.id());
      if (kept.isPresent()) {
        return kept.get();
      }
      // Left unreadable by a power loss before this version synced its runs: made again.
      deleteTree(target);
    }
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      for (ReportFormat f : ReportFormat.values()) {
        AtomicFiles.createSynced(tmp.resolve(ReportRuns.reportFile(f)), file(files, f));
      }
      // run.json last: a directory without it is not a run.
      AtomicFiles.createSynced(
          tmp.resolve(RUN), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(run.toJson()));
      AtomicFiles.syncDirectory(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
      // The scheduler takes a run it finds as its period done: the rename must last.
      AtomicFiles.syncDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // Made meanwhile by another process: the first one stays.
      return get(run.id()).orElse(run);
    } finally {
      deleteTree(tmp);
    }
    return run;
  }

  @Override
  public List<ReportRun> list(RunFilter filter) throws IOException {
    Objects.requireNonNull(filter, "filter");
    List<ReportRun> runs = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
      for (Path p : all) {
        if (p.getFileName().toString().startsWith(".")) {
          continue;
        }
        read(p).filter(filter::accepts).ifPresent(runs::add);
      }
    }
    return newestFirst(runs, filter);
  }

  /** The runs sorted newest period first, at most the filter's limit. */
  static List<ReportRun> newestFirst(List<ReportRun> runs, RunFilter filter) {
    List<ReportRun> sorted = new ArrayList<>(runs);
    sorted.sort(
        Comparator.comparing(ReportRun::end, Comparator.reverseOrder())
            .thenComparing(ReportRun::id));
    return sorted.size() > filter.limit() ? List.copyOf(sorted.subList(0, filter.limit())) : sorted;
  }

  /** A format's file among a run's files; every format must be there. */
  static byte[] file(Map<ReportFormat, byte[]> files, ReportFormat format) {
    byte[] bytes = files.get(format);
    if (bytes == null) {
      throw new IllegalArgumentException("a run's files lack its report in " + format);
    }
    return bytes;
  }

  @Override
  public Optional<ReportRun> get(String id) throws IOException {
    if (!isId(Objects.requireNonNull(id, "id"))) {
      return Optional.empty();
    }
    return read(dir.resolve(id));
  }

  @Override
  public InputStream open(String id, ReportFormat format) throws IOException {
    Objects.requireNonNull(format, "format");
    if (get(id).isEmpty()) {
      throw new NoSuchElementException("no report run " + id);
    }
    return Files.newInputStream(dir.resolve(id).resolve(ReportRuns.reportFile(format)));
  }

  static String checkedId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a report run id: " + id);
    }
    return id;
  }

  /** Whether {@code id} could name a run. */
  static boolean isId(String id) {
    return ID.matcher(id).matches();
  }

  /** A run directory's run; none when it has no run.json, or one that cannot be read as a run. */
  private static Optional<ReportRun> read(Path runDir) throws IOException {
    try {
      return ReportRun.fromJson(JSON.readTree(Files.readAllBytes(runDir.resolve(RUN))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (JsonProcessingException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              x -> {
                try {
                  Files.deleteIfExists(x);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
