package io.kubetrail.collect;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads audit sources into an {@link AuditStore}: decode, filter by the audit policy (when there is
 * one), hash Secret values, enrich with cluster, name and {@code generated_time}, and append in
 * batches.
 *
 * <p>Sources are JSON Lines (one Event, or one EventList, per line) or JSON documents spread over
 * lines (an EventList, pretty-printed events), either possibly gzip-compressed. For JSON Lines
 * files, each batch carries the file's {@link FileCheckpoint checkpoint}, so a later ingest of the
 * same file, grown, renamed or compressed since, starts after what was stored. Every ingest is
 * idempotent anyway: the store keeps each event once.
 *
 * <p>A bad record is counted, listed in the summary and skipped; a store failure stops the ingest
 * with an {@link IngestFailedException}, and what was appended before it stays stored whole.
 *
 * <p>Decoding runs on the calling thread while a second thread appends the previous batch, so the
 * two overlap. One ingester may run one ingest at a time.
 */
public final class Ingester {
  private final AuditStore store;
  private final IngestOptions options;
  private final String checkpointScope;

  public Ingester(AuditStore store, IngestOptions options) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.checkpointScope = FileCheckpoint.scope(options);
  }

  /**
   * Ingests files in the order given (see {@link AuditFiles#expand} for directories).
   *
   * @throws IngestFailedException when the store fails; earlier batches stay stored
   * @throws IOException when a file cannot be read
   */
  public IngestSummary ingest(List<Path> files, IngestListener listener) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    try (Run run = new Run(listener, total)) {
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        listener.sourceStarted(file.toString(), i + 1, files.size(), Files.size(file));
        run.readFile(file);
      }
      return run.finish();
    }
  }

  /**
   * Ingests one stream, such as standard input; nothing is checkpointed. The stream is closed.
   *
   * @param sourceName how positions name the stream, e.g. {@code <stdin>}
   */
  public IngestSummary ingest(InputStream in, String sourceName, IngestListener listener)
      throws IOException {
    try (Run run = new Run(listener, -1);
        SourceInput input = new SourceInput(in, 0)) {
      listener.sourceStarted(sourceName, 1, 1, -1);
      run.readInput(input, sourceName);
      return run.finish();
    }
  }

  /** One ingest: counts, the batch being filled and the thread appending full ones. */
  private final class Run implements AutoCloseable {
    private static final Batch END = Batch.of(List.of());
    private static final int OVERFULL = 4;

    private final IngestListener listener;
    private final long bytesTotal;
    private final DecodeLimits limits = options.limits();
    private final Map<String, SourceCheckpoint> stored;
    private final List<DecodeResult.Rejected> rejections = new ArrayList<>();
    private final AtomicLong storedEvents = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final BlockingQueue<Batch> handoff = new ArrayBlockingQueue<>(1);
    private final Thread appender;
    private long sources;
    private long resumed;
    private long read;
    private long filtered;
    private long malformed;

    private List<StoredEvent> events = new ArrayList<>();
    private long eventBytes;
    private Map<String, SourceCheckpoint> checkpoints = new HashMap<>();
    private long bytesDoneBefore;
    private SourceInput current;
    private long lastLine;

    Run(IngestListener listener, long bytesTotal) throws IOException {
      this.listener = listener;
      this.bytesTotal = bytesTotal;
      this.stored = store.checkpoints();
      this.appender = new Thread(this::appendBatches, "kubetrail-ingest-append");
      appender.setDaemon(true);
      appender.start();
    }

    void readFile(Path file) throws IOException {
      String name = file.toString();
      try {
        readSafely(name, () -> readFileContent(file, name));
      } finally {
        bytesDoneBefore += Files.size(file);
        current = null;
      }
    }

    void readInput(SourceInput input, String name) throws IOException {
      current = input;
      readSafely(name, () -> readRecords(input.stream(), name, Optional.empty(), 0, 0));
    }

    /** Reads one source; a damaged one (a truncated gzip, a read error) loses its rest only. */
    private void readSafely(String name, SourceReading reading) throws IOException {
      sources++;
      lastLine = 0;
      try {
        reading.run();
        if (current != null) {
          current.throwIfDamaged();
        }
      } catch (IngestFailedException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        reject(
            new SourcePosition(name, lastLine + 1),
            "cannot read on: " + e + "; the records before this one were read");
      }
    }

    private void readFileContent(Path file, String name) throws IOException {
      FileCheckpoint resumeAt;
      boolean gzip;
      try (SourceInput input = open(file, 0)) {
        SourceInput.Sniff sniff = input.sniff();
        // Only JSON Lines are checkpointed: a document has no line boundary to resume at.
        Optional<String> sourceId =
            sniff.document()
                ? Optional.empty()
                : sniff.firstLine().map(line -> FileCheckpoint.sourceId(checkpointScope, line));
        Optional<FileCheckpoint> checkpoint =
            sourceId.flatMap(
                id ->
                    Optional.ofNullable(stored.get(id)).flatMap(c -> FileCheckpoint.parse(id, c)));
        if (checkpoint.isEmpty()) {
          readRecords(input.stream(), name, sourceId, 0, 0);
          return;
        }
        resumeAt = checkpoint.get();
        gzip = input.gzip();
        if (gzip && skipToLineEnd(input.stream(), resumeAt.offset())) {
          resumed++;
          readRecords(input.stream(), name, sourceId, resumeAt.offset(), resumeAt.line());
          return;
        }
      }
      Optional<String> sourceId = Optional.of(resumeAt.sourceId());
      if (!gzip && endsLineAt(file, resumeAt.offset())) {
        try (SourceInput input = openAt(file, resumeAt.offset())) {
          resumed++;
          readRecords(input.stream(), name, sourceId, resumeAt.offset(), resumeAt.line());
        }
        return;
      }
      // The file no longer matches its checkpoint: read it all; the store drops duplicates.
      try (SourceInput input = open(file, 0)) {
        readRecords(input.stream(), name, sourceId, 0, 0);
      }
    }

    private SourceInput open(Path file, long offset) throws IOException {
      current = new SourceInput(Files.newInputStream(file), offset);
      return current;
    }

    private SourceInput openAt(Path file, long offset) throws IOException {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        channel.position(offset);
        current = new SourceInput(Channels.newInputStream(channel), offset);
        return current;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    /** True when a plain file still has a line ending just before {@code offset}. */
    private boolean endsLineAt(Path file, long offset) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer before = ByteBuffer.allocate(1);
        return offset > 0
            && channel.size() >= offset
            && channel.read(before, offset - 1) == 1
            && before.get(0) == '\n';
      }
    }

    /** Skips a decompressed stream to a checkpoint; false when no line ends there. */
    private boolean skipToLineEnd(InputStream in, long offset) throws IOException {
      try {
        in.skipNBytes(offset - 1);
        return in.read() == '\n';
      } catch (EOFException e) {
        return false;
      }
    }

    /**
     * Reads the records of a source with the decoder's reader, checkpointing (when the source has
     * an id) at the end of each line that held exactly one record: a JSON Lines event, or a bad
     * line. A line holding an EventList, or a document spanning lines, is not a place to resume.
     *
     * @param startOffset where {@code in} starts in the source
     * @param linesBefore the lines of the source before {@code startOffset}
     */
    private void readRecords(
        InputStream in, String name, Optional<String> sourceId, long startOffset, long linesBefore)
        throws IOException {
      LineEnds ends = new LineEnds(in);
      try (AuditEventReader reader = AuditEventReader.of(ends, name, limits)) {
        long line = 0; // the reader's line of the records being read
        int onLine = 0;
        long recordEnd = 0;
        for (Optional<DecodeResult> r = reader.read(); r.isPresent(); r = reader.read()) {
          long at = r.get().position().line();
          if (at != line) {
            completeLine(ends, sourceId, line, onLine, recordEnd, startOffset, linesBefore);
            flushIfFull(1);
            line = at;
            onLine = 0;
          } else {
            flushIfFull(OVERFULL); // a long EventList line: never hold it all
          }
          onLine++;
          recordEnd = reader.bytesRead();
          lastLine = linesBefore + at;
          SourcePosition position = new SourcePosition(name, linesBefore + at);
          if (r.get() instanceof DecodeResult.Decoded decoded) {
            accept(decoded.event());
          } else if (r.get() instanceof DecodeResult.Rejected rejected) {
            reject(position, rejected.reason());
          }
        }
        completeLine(ends, sourceId, line, onLine, recordEnd, startOffset, linesBefore);
      }
    }

    /** Checkpoints the end of {@code line} if it held one record, ended by a newline. */
    private void completeLine(
        LineEnds ends,
        Optional<String> sourceId,
        long line,
        int onLine,
        long recordEnd,
        long startOffset,
        long linesBefore) {
      long end = ends.endOf(line);
      if (sourceId.isPresent() && onLine == 1 && end >= 0 && recordEnd <= end) {
        checkpoints.put(
            sourceId.get(),
            new FileCheckpoint(sourceId.get(), startOffset + end, linesBefore + line)
                .toCheckpoint());
      }
      ends.forgetBefore(line + 1);
    }

    private void accept(AuditEvent decoded) {
      read++;
      AuditEvent event = decoded;
      if (options.policy().isPresent()) {
        Optional<AuditEvent> kept = options.policy().get().apply(event);
        if (kept.isEmpty()) {
          filtered++;
          return;
        }
        event = kept.get();
      }
      if (options.redactSecrets()) {
        event = SecretRedactor.redact(event);
      }
      events.add(
          new StoredEvent(
              options.cluster(), ObjectNames.of(event), options.clock().instant(), event));
      eventBytes += event.json().length();
    }

    /**
     * Appends the batch once it holds {@code factor} times a full batch. Called with 1 where the
     * batch's checkpoints are up to date; with more inside a line, which a checkpoint cannot split.
     */
    private void flushIfFull(int factor) throws IOException {
      if (events.size() >= (long) factor * options.batchEvents()
          || eventBytes >= (long) factor * options.batchBytes()) {
        flush();
      }
    }

    private void reject(SourcePosition position, String reason) {
      read++;
      malformed++;
      if (rejections.size() < options.maxListedRejections()) {
        rejections.add(new DecodeResult.Rejected(position, reason));
      }
    }

    /** Hands the batch being filled to the appender, waiting while it is busy. */
    private void flush() throws IOException {
      if (events.isEmpty() && checkpoints.isEmpty()) {
        return;
      }
      Batch batch = new Batch(events, checkpoints);
      events = new ArrayList<>();
      eventBytes = 0;
      checkpoints = new HashMap<>();
      handOff(batch);
      long done = bytesDoneBefore + (current == null ? 0 : current.rawPosition());
      listener.progress(done, bytesTotal, summary(storedEvents.get(), duplicates.get()));
    }

    private void handOff(Batch batch) throws IOException {
      try {
        while (!handoff.offer(batch, 100, TimeUnit.MILLISECONDS)) {
          throwIfFailed();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while handing a batch to the store");
      }
      throwIfFailed();
    }

    private void throwIfFailed() throws IngestFailedException {
      Throwable cause = failure.get();
      if (cause != null) {
        throw new IngestFailedException(
            "the store failed, ingest stopped: " + cause.getMessage(),
            summary(storedEvents.get(), duplicates.get()),
            cause);
      }
    }

    /** The appender thread: appends batches in order until the end marker or a failure. */
    private void appendBatches() {
      try {
        for (Batch batch = handoff.take(); batch != END; batch = handoff.take()) {
          AppendResult result = store.append(batch);
          storedEvents.addAndGet(result.stored());
          duplicates.addAndGet(result.duplicates());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        failure.set(e);
      }
    }

    IngestSummary finish() throws IOException {
      flush();
      handOff(END);
      try {
        appender.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while the last batch was being stored");
      }
      throwIfFailed();
      return summary(storedEvents.get(), duplicates.get());
    }

    private IngestSummary summary(long storedCount, long duplicateCount) {
      return new IngestSummary(
          sources, resumed, read, storedCount, duplicateCount, filtered, malformed, rejections);
    }

    /**
     * Ends the appender when the ingest stopped early: batches already handed off are still
     * appended (each whole, with its checkpoints), never interrupted half way.
     */
    @Override
    public void close() {
      boolean interrupted = false;
      boolean ended = false;
      while (appender.isAlive()) {
        try {
          // The appender may stop on a failure at any moment: never wait on a full queue for it.
          ended = ended || handoff.offer(END, 100, TimeUnit.MILLISECONDS);
          appender.join(100);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reading a source, which may fail. */
  private interface SourceReading {
    void run() throws IOException;
  }
}
