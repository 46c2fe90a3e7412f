package io.kubetrail.collect;

import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.SourceCheckpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An audit log followed as kube-apiserver writes and rotates it ({@code --audit-log-path}): what
 * {@code kubetrail collect} reads for {@code sources: - file: {path: /var/log/kube-audit.log}}.
 *
 * <p>On start it reads the log's rotated backups that are still there ({@code
 * kube-audit-<time>.log}, maybe gzipped; see {@link AuditFiles}), oldest first, then the active
 * file, each from where the store's checkpoint for it stops. Then it polls the active file and
 * reads each line once it is complete, whatever its length up to the decoder's limits (a longer
 * line is rejected, naming the limit, and reading goes on). What it reads is handed to the pipeline
 * whenever it has caught up with the file, so a line is searchable within a poll interval and a
 * commit of being written.
 *
 * <p>Rotation is followed three ways:
 *
 * <ul>
 *   <li>rename (lumberjack's way): once the path names another file, the old one is read to its end
 *       through the channel still open on it, then the new one is read;
 *   <li>rename, then gzip: the compressed backup starts with the same line as the file it was, so
 *       it has the same checkpoint and is not read again;
 *   <li>copy, then truncate ({@code copytruncate}): when the file shrinks below the position, the
 *       rest of what was read is taken from a copy beside it with the same first line, if there is
 *       one, and the cut file is read from its start. On start, a copy named after the log ({@code
 *       kube-audit.log.1}, {@code kube-audit.log-20260101.gz}) that was being read when the
 *       collector stopped is finished first; older copies are not read.
 * </ul>
 *
 * <p>It never ends on its own: a file that does not exist yet is waited for, and a read error is
 * rejected (once while it lasts, into the dead letters) and tried again after a pause. Only a store
 * failure the pipeline does not retry, or a stop, ends it.
 *
 * <p>Several API servers' logs are several sources in one pipeline. Files are recognised by {@link
 * BasicFileAttributes#fileKey()}, which Linux and macOS have; elsewhere a rename is not noticed.
 */
public final class FollowedFileSource implements Source {

  /**
   * How a file is followed.
   *
   * @param poll how long to wait for the file to grow once everything in it is read: the most a
   *     line waits before it is read
   * @param retryPause how long to wait after the file could not be read before trying again
   */
  public record Options(Duration poll, Duration retryPause) {
    public static final Duration DEFAULT_POLL = Duration.ofMillis(250);
    public static final Duration DEFAULT_RETRY_PAUSE = Duration.ofSeconds(5);

    public Options {
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(retryPause, "retryPause");
      if (poll.toMillis() < 1 || retryPause.toMillis() < 1) {
        throw new IllegalArgumentException(
            "poll and retryPause must be at least 1 ms, were " + poll + " and " + retryPause);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_POLL, DEFAULT_RETRY_PAUSE);
    }

    public Options withPoll(Duration value) {
      return new Options(value, retryPause);
    }

    public Options withRetryPause(Duration value) {
      return new Options(poll, value);
    }
  }

  private static final int REMEMBERED = 4096;

  private final Path file;
  private final Options options;
  // Where this run has read each file to (by source id), ahead of the store's checkpoints.
  private final Map<String, FileCheckpoint> positions = newestOnly();
  // Files read to their end by this run: rotated away, or backups.
  private final Set<String> finished = Collections.newSetFromMap(newestOnly());
  // Source ids of backups by file key and modification time: backups are not rewritten.
  private final Map<List<Object>, String> backupIds = newestOnly();
  private SourceContext context;
  private SourceWriter writer;
  private RecordReader reader;
  private String scope;
  private Optional<FollowedFile> current = Optional.empty();
  private String failing = "";
  private boolean started;
  private Instant runStarted = Instant.EPOCH;

  private FollowedFileSource(Path file, Options options) {
    this.file = file;
    this.options = options;
  }

  /** Follows {@code file} with the default options. */
  public static FollowedFileSource of(Path file) {
    return of(file, Options.defaults());
  }

  public static FollowedFileSource of(Path file, Options options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("cannot follow " + file + ": it names no file");
    }
    return new FollowedFileSource(file.toAbsolutePath().normalize(), options);
  }

  @Override
  public String name() {
    return "file:" + file;
  }

  @Override
  public void run(SourceContext context) throws IOException, InterruptedException {
    this.context = context;
    runStarted = context.options().clock().instant();
    writer = context.writer();
    reader = new RecordReader(writer, context.options().limits(), this::flushIfFull);
    scope = FileCheckpoint.scope(context.options());
    try {
      while (!context.stopping()) {
        boolean more;
        try {
          more = step();
          failing = "";
        } catch (IngestFailedException | InterruptedIOException e) {
          throw e;
        } catch (IOException | UncheckedIOException e) {
          report(e);
          closeCurrent();
          context.awaitStop(options.retryPause().toMillis());
          continue;
        }
        if (!more) {
          writer.flush(); // caught up: what was read becomes searchable now, not with a full batch
          context.awaitStop(options.poll().toMillis());
        }
      }
    } finally {
      closeCurrent();
    }
    writer.flush();
  }

  /** Does the next thing there is to do; false when there was nothing. */
  private boolean step() throws IOException {
    if (current.isEmpty()) {
      current = FollowedFile.open(file);
      if (current.isEmpty()) {
        return false;
      }
      // Backups renamed away before this file was created are older than it: read them first.
      sweepBackups();
      if (context.stopping()) {
        return false; // the rest of the backups, if any, on the next start
      }
    }
    FollowedFile followed = current.get();
    boolean moved = followed.moved();
    if (followed.id().isEmpty() && !followed.identify(scope, this::position) && !moved) {
      return false;
    }
    if (followed.id().filter(finished::contains).isPresent()) {
      // Renamed while the backups were read, and read among them: nothing is left of it.
      closeCurrent();
      return moved;
    }
    if (moved) {
      // Rotated by rename (or removed): nothing more is written to it, so finish it.
      followed.read(reader, followed.size());
      remember(followed);
      followed.id().ifPresent(finished::add);
      closeCurrent();
      writer.flush();
      return true;
    }
    if (followed.rewritten()) {
      copiedAndTruncated(followed);
      return true;
    }
    long end = followed.completeEnd();
    if (end == followed.position()) {
      return false;
    }
    followed.read(reader, end);
    remember(followed);
    return true;
  }

  /**
   * Reads each backup of the log not read yet, oldest first, until a listing shows none; then, on
   * the first open only, the rest of copies of the log (logrotate's {@code kube-audit.log.1}) that
   * were being read when the collector stopped: the log was copied and truncated meanwhile.
   */
  private void sweepBackups() throws IOException {
    boolean found = true;
    while (found && !context.stopping()) {
      found = false;
      for (Path backup : AuditFiles.backupsOf(file)) {
        if (context.stopping()) {
          return;
        }
        Optional<String> id = idOf(backup);
        if (id.isPresent() && !finished.contains(id.get())) {
          readBackup(backup, id.get());
          found = true;
        }
      }
    }
    if (!started) {
      started = true;
      for (Path copy : copies()) {
        Optional<String> id = idOf(copy);
        if (id.isPresent() && !finished.contains(id.get()) && position(id.get()).isPresent()) {
          readBackup(copy, id.get());
        }
      }
    }
  }

  /** Files named as logrotate names copies of the log: its name, then '.' or '-' and more. */
  private List<Path> copies() throws IOException {
    String name = file.getFileName().toString();
    try (Stream<Path> entries = Files.list(file.getParent())) {
      return entries
          .filter(
              p ->
                  p.getFileName().toString().startsWith(name + ".")
                      || p.getFileName().toString().startsWith(name + "-"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  /**
   * The file was cut after being copied (or overwritten): finish what was read of it from a copy
   * with the same first line, when there is one, then read it again from its start.
   */
  private void copiedAndTruncated(FollowedFile followed) throws IOException {
    String id = followed.id().orElseThrow();
    Optional<Path> copy = copyOf(id);
    if (copy.isPresent()) {
      readBackup(copy.get(), id);
    } else {
      String lost =
          "the file was truncated or rewritten below offset "
              + followed.position()
              + " and no copy of it with the same first line is beside it: lines written after"
              + " line "
              + followed.line()
              + " and before the truncation may be missing";
      writer.reject(new SourcePosition(file.toString(), followed.line() + 1), lost);
      // Kept with the events, so that reports over the time the lines covered warn of them.
      writer.gap(runStarted, file + ": " + lost);
    }
    finished.add(id);
    followed.restart();
  }

  /** A file beside the log, named after it, that starts with the line the log started with. */
  private Optional<Path> copyOf(String id) throws IOException {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    List<Path> candidates;
    try (Stream<Path> entries = Files.list(file.getParent())) {
      candidates =
          entries
              .filter(p -> p.getFileName().toString().startsWith(stem))
              .filter(p -> !p.getFileName().toString().equals(name))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    for (Path candidate : candidates) {
      if (idOf(candidate).filter(id::equals).isPresent()) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Reads a complete file from where this run, or else the store, has it; then it is done. */
  private void readBackup(Path backup, String id) throws IOException {
    writer.flush(); // keep the order of what was read
    try {
      FilesSource.resuming(
              List.of(backup), sourceId -> position(sourceId).map(FileCheckpoint::toCheckpoint))
          .run(context);
    } catch (NoSuchFileException e) {
      writer.reject(
          new SourcePosition(backup.toString(), 1),
          "the backup was removed before it could be read (kube-apiserver keeps"
              + " --audit-log-maxbackup backups): its unread lines are missing");
    }
    finished.add(id);
  }

  private Optional<String> idOf(Path path) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      List<Object> key =
          attributes.fileKey() == null
              ? List.of()
              : List.of(attributes.fileKey(), attributes.lastModifiedTime());
      String known = backupIds.get(key);
      if (known != null) {
        return Optional.of(known);
      }
      Optional<String> id;
      try (SourceInput input = new SourceInput(Files.newInputStream(path), 0)) {
        id = input.sniff().firstLine().map(line -> FileCheckpoint.sourceId(scope, line));
      }
      if (!key.isEmpty()) {
        id.ifPresent(i -> backupIds.put(key, i));
      }
      return id;
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Where this run read the file to, or else where the store has it. */
  private Optional<FileCheckpoint> position(String sourceId) {
    FileCheckpoint read = positions.get(sourceId);
    if (read != null) {
      return Optional.of(read);
    }
    Optional<SourceCheckpoint> stored = context.checkpoint(sourceId);
    return stored.flatMap(c -> FileCheckpoint.parse(sourceId, c));
  }

  private void remember(FollowedFile followed) {
    followed
        .id()
        .ifPresent(
            id -> positions.put(id, new FileCheckpoint(id, followed.position(), followed.line())));
  }

  private void flushIfFull(int factor) throws IOException {
    if (writer.full(factor)) {
      writer.flush();
    }
  }

  /** Rejects the first of a run of identical failures, so a lasting one is not repeated. */
  private void report(Exception e) {
    String problem = e.toString();
    if (!problem.equals(failing)) {
      failing = problem;
      long line = current.map(FollowedFile::line).orElse(0L);
      writer.reject(
          new SourcePosition(file.toString(), line + 1),
          "cannot read on: "
              + problem
              + "; trying again every "
              + options.retryPause().toMillis()
              + " ms");
    }
  }

  private void closeCurrent() {
    if (current.isPresent()) {
      try {
        current.get().close();
      } catch (IOException e) {
        // A read-only channel has nothing to lose on close.
      }
      current = Optional.empty();
    }
  }

  /**
   * A map that forgets its oldest entries beyond {@value #REMEMBERED}: a log rotated every minute
   * for a year must not fill the heap. What is forgotten was rotated away long ago; were it still
   * there, it would be read again from the store's checkpoint, and the store keeps events once.
   */
  private static <K, V> Map<K, V> newestOnly() {
    return new LinkedHashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
