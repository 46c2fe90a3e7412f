package io.kubetrail.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds audit log files in a directory, oldest first, as kube-apiserver's log backend rotates them.
 *
 * <p>kube-apiserver rotates with lumberjack: when {@code kube-audit.log} is full it is renamed to
 * {@code kube-audit-2026-01-01T00-00-00.000.log} (the UTC rotation time), gzip-compressed to {@code
 * ….log.gz} when {@code --audit-log-compress} is set, and a new {@code kube-audit.log} is started.
 * So the backups, by the time in their names, come before the active file. Several logs in one
 * directory (one per API server, say) are each listed in that order, one log after the other by
 * name.
 *
 * <p>Audit files are those named {@code *.log}, {@code *.json}, {@code *.jsonl} or {@code
 * *.ndjson}, each possibly followed by {@code .gz}; anything else (position files, notes, hidden
 * files, subdirectories) is ignored. While lumberjack compresses a backup both {@code x.log} and a
 * partly written {@code x.log.gz} exist; then only the uncompressed one is listed.
 */
public final class AuditFiles {
  private static final Set<String> EXTENSIONS = Set.of(".log", ".json", ".jsonl", ".ndjson");
  private static final String GZIP = ".gz";
  // lumberjack's backupTimeFormat is "2006-01-02T15-04-05.000", inserted before the extension.
  private static final Pattern BACKUP =
      Pattern.compile("(.+)-(\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3})(\\.[^.]+)");

  private AuditFiles() {}

  /**
   * Expands command-line paths: a file stays as it is, whatever its name; a directory becomes its
   * audit files in rotation order.
   *
   * @throws java.nio.file.NoSuchFileException when a path does not exist
   */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        files.addAll(inRotationOrder(path));
      } else if (Files.exists(path)) {
        files.add(path);
      } else {
        throw new NoSuchFileException(path.toString(), null, "no such file");
      }
    }
    return files;
  }

  /** The audit files directly in {@code dir}, oldest first within each log. */
  public static List<Path> inRotationOrder(Path dir) throws IOException {
    List<Path> regularFiles;
    try (Stream<Path> entries = Files.list(dir)) {
      regularFiles = entries.filter(Files::isRegularFile).toList();
    }
    Set<String> names =
        Set.copyOf(regularFiles.stream().map(p -> p.getFileName().toString()).toList());
    // Log name (the active file's name) -> its files, keyed by rotation time; the active one last.
    Map<String, TreeMap<String, Path>> logs = new TreeMap<>();
    for (Path file : regularFiles) {
      String name = file.getFileName().toString();
      boolean gzip = name.endsWith(GZIP);
      String plain = gzip ? name.substring(0, name.length() - GZIP.length()) : name;
      if (name.startsWith(".") || !EXTENSIONS.contains(extension(plain))) {
        continue;
      }
      if (gzip && names.contains(plain)) {
        continue; // being compressed right now: the plain file is the complete one
      }
      Matcher backup = BACKUP.matcher(plain);
      if (backup.matches()) {
        String log = backup.group(1) + backup.group(3);
        logs.computeIfAbsent(log, k -> new TreeMap<>()).put(backup.group(2), file);
      } else {
        // The active file sorts after every timestamp ('~' follows the digits).
        logs.computeIfAbsent(plain, k -> new TreeMap<>()).put("~" + name, file);
      }
    }
    return logs.values().stream().flatMap(files -> files.values().stream()).toList();
  }

  /**
   * The backups lumberjack made of {@code activeFile}, in its directory, oldest first: {@code
   * kube-audit-<time>.log} and {@code kube-audit-<time>.log.gz} for {@code kube-audit.log}.
   */
  static List<Path> backupsOf(Path activeFile) throws IOException {
    Path dir = activeFile.toAbsolutePath().getParent();
    String active = activeFile.getFileName().toString();
    return inRotationOrder(dir).stream()
        .filter(
            file -> {
              String name = file.getFileName().toString();
              String plain = name.endsWith(GZIP) ? name.substring(0, name.length() - 3) : name;
              Matcher backup = BACKUP.matcher(plain);
              return backup.matches() && (backup.group(1) + backup.group(3)).equals(active);
            })
        .toList();
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot);
  }
}
