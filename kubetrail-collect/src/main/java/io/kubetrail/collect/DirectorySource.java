package io.kubetrail.collect;

import io.kubetrail.event.SourcePosition;
import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.SourceCheckpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory where exported audit logs land (a Cloud Logging sink's bucket, an Azure storage
 * container, synced to disk): what {@code kubetrail collect} reads for {@code sources: - directory:
 * {path: ..., format: auto}}. Every poll it walks the directory and its subdirectories, and reads
 * each regular file that is new or has grown once it has not changed for a poll interval, oldest
 * first, from where an earlier read of it stopped (JSON Lines files carry a checkpoint, as for
 * {@code ingest}; a document is read whole again and the store drops what it has).
 *
 * <p>It never ends on its own; a directory that does not exist yet is waited for, and a file that
 * cannot be read is rejected into the dead letters and tried again when it changes.
 */
public final class DirectorySource implements Source {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

  private final Path directory;
  private final RecordFormat format;
  private final Duration poll;
  // What each file was like when last read: read again only once it changes.
  private final Map<Path, List<Object>> read = new HashMap<>();
  // Where this run has read each file to, ahead of the checkpoints committed when it started.
  private final Map<String, SourceCheckpoint> reached = new HashMap<>();

  private DirectorySource(Path directory, RecordFormat format, Duration poll) {
    this.directory = directory;
    this.format = format;
    this.poll = poll;
  }

  /**
   * @param poll how often the directory is looked at; a file is read once unchanged this long
   */
  public static DirectorySource of(Path directory, RecordFormat format, Duration poll) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(poll, "poll");
    if (poll.toMillis() < 1) {
      throw new IllegalArgumentException("poll must be at least 1 ms, was " + poll);
    }
    return new DirectorySource(directory.toAbsolutePath().normalize(), format, poll);
  }

  @Override
  public String name() {
    return "directory:" + directory;
  }

  @Override
  public void run(SourceContext context) throws IOException, InterruptedException {
    SourceWriter writer = context.writer();
    while (!context.stopping()) {
      long now = System.currentTimeMillis();
      for (Path file : changedFiles(now)) {
        if (context.stopping()) {
          break;
        }
        readFile(file, context, writer);
      }
      writer.flush();
      context.awaitStop(poll.toMillis());
    }
    writer.flush();
  }

  /** Files new or changed since read, unchanged for a poll interval, oldest first. */
  private List<Path> changedFiles(long now) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> changed = new ArrayList<>();
    Map<Path, Long> modified = new HashMap<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
          continue; // gone since listed
        }
        String name = file.getFileName().toString();
        long mtime = a.lastModifiedTime().toMillis();
        if (!a.isRegularFile()
            || name.startsWith(".")
            || now - mtime < poll.toMillis()
            || state(a).equals(read.get(file))) {
          continue;
        }
        changed.add(file);
        modified.put(file, mtime);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    changed.sort(Comparator.comparing((Path p) -> modified.get(p)).thenComparing(p -> p));
    return changed;
  }

  private static List<Object> state(BasicFileAttributes a) {
    return List.of(a.size(), a.lastModifiedTime().toMillis());
  }

  private void readFile(Path file, SourceContext context, SourceWriter writer) throws IOException {
    writer.flush(); // keep the order of what was read
    BasicFileAttributes before;
    try {
      before = Files.readAttributes(file, BasicFileAttributes.class);
      FilesSource files =
          FilesSource.resuming(
              List.of(file),
              format,
              id -> Optional.ofNullable(reached.get(id)).or(() -> context.checkpoint(id)));
      files.run(context);
      reached.putAll(files.writer().latestCheckpoints());
    } catch (IngestFailedException | InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      writer.reject(new SourcePosition(file.toString(), 1), "cannot read the file: " + e);
      before = null;
    }
    if (before != null) {
      read.put(file, state(before));
    }
  }
}
