package io.kubetrail.report.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.report.Report;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportWriter;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The embedded store's {@link ReportRuns}: under its directory, {@code reports/ID/} holds {@code
 * run.json} and the report in each format ({@code report.json}, {@code report.yaml}, {@code
 * report.html}, {@code report.csv.zip}). A run is written in a directory of its own and renamed
 * into place, so a reader sees it whole or not at all, even after a crash.
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
  public ReportRun save(ReportRun run, Report report) throws IOException {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(report, "report");
    Path target = dir.resolve(checkedId(run.id()));
    if (Files.isDirectory(target)) {
      return get(run.id()).orElse(run);
    }
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      for (ReportFormat f : List.of(ReportFormat.JSON, ReportFormat.YAML, ReportFormat.HTML)) {
        Files.write(
            tmp.resolve("report." + f.id()),
            ReportWriter.files(report, f).values().iterator().next());
      }
      Files.write(tmp.resolve("report.csv.zip"), zip(ReportWriter.files(report, ReportFormat.CSV)));
      // run.json last: a directory without it is not a run.
      Files.write(
          tmp.resolve(RUN), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(run.toJson()));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
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
    runs.sort(
        Comparator.comparing(ReportRun::end, Comparator.reverseOrder())
            .thenComparing(ReportRun::id));
    return runs.size() > filter.limit() ? List.copyOf(runs.subList(0, filter.limit())) : runs;
  }

  @Override
  public Optional<ReportRun> get(String id) throws IOException {
    if (!ID.matcher(Objects.requireNonNull(id, "id")).matches()) {
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
    String name = format == ReportFormat.CSV ? "report.csv.zip" : "report." + format.id();
    return Files.newInputStream(dir.resolve(id).resolve(name));
  }

  private static String checkedId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a report run id: " + id);
    }
    return id;
  }

  private static Optional<ReportRun> read(Path runDir) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(Files.readAllBytes(runDir.resolve(RUN)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return ReportRun.fromJson(n);
  }

  private static byte[] zip(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        z.putNextEntry(new ZipEntry(f.getKey()));
        z.write(f.getValue());
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
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
