package io.kubetrail.collect;

import io.kubetrail.event.AuditDecodeException;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
  private static final byte[] EVENT_LIST = "\"EventList\"".getBytes(StandardCharsets.UTF_8);

  private final AuditStore store;
  private final IngestOptions options;

  public Ingester(AuditStore store, IngestOptions options) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
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
      readSafely(
          name,
          () -> {
            if (input.isMultiLineDocument()) {
              readDocument(input.stream(), name, 0);
              return;
            }
            LineReader lines = new LineReader(input.stream(), limits.maxLineBytes(), 0, 0);
            if (lines.next()) {
              readLines(lines, name, Optional.empty(), true);
            }
          });
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
        if (input.isMultiLineDocument()) {
          readDocument(input.stream(), name, 0);
          return;
        }
        LineReader lines = new LineReader(input.stream(), limits.maxLineBytes(), 0, 0);
        if (!nextNonBlank(lines)) {
          return;
        }
        Optional<String> sourceId =
            lines.tooLong() ? Optional.empty() : Optional.of(FileCheckpoint.sourceId(lines.line()));
        Optional<FileCheckpoint> checkpoint =
            sourceId
                .flatMap(id -> Optional.ofNullable(stored.get(id)).flatMap(c -> parse(id, c)))
                .filter(c -> c.offset() >= lines.endOffset());
        if (checkpoint.isEmpty()) {
          readLines(lines, name, sourceId, true);
          return;
        }
        resumeAt = checkpoint.get();
        gzip = input.gzip();
        if (gzip && skipTo(lines, resumeAt.offset())) {
          resumed++;
          readLines(lines, name, sourceId, false);
          return;
        }
      }
      Optional<String> sourceId = Optional.of(resumeAt.sourceId());
      if (!gzip && endsLineAt(file, resumeAt.offset())) {
        try (SourceInput input = openAt(file, resumeAt.offset())) {
          resumed++;
          LineReader lines =
              new LineReader(
                  input.stream(), limits.maxLineBytes(), resumeAt.offset(), resumeAt.line());
          readLines(lines, name, sourceId, false);
        }
        return;
      }
      // The file no longer matches its checkpoint: read it all; the store drops duplicates.
      try (SourceInput input = open(file, 0)) {
        LineReader lines = new LineReader(input.stream(), limits.maxLineBytes(), 0, 0);
        if (lines.next()) {
          readLines(lines, name, sourceId, true);
        }
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

    private Optional<FileCheckpoint> parse(String id, SourceCheckpoint checkpoint) {
      return FileCheckpoint.parse(id, checkpoint);
    }

    /** True when a plain file still has a line ending just before {@code offset}. */
    private boolean endsLineAt(Path file, long offset) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer before = ByteBuffer.allocate(1);
        return channel.size() >= offset
            && channel.read(before, offset - 1) == 1
            && before.get(0) == '\n';
      }
    }

    /** Reads lines without decoding them up to a checkpoint offset; false if none ends there. */
    private boolean skipTo(LineReader lines, long offset) throws IOException {
      while (lines.endOffset() < offset && lines.next()) {
        // skip
      }
      return lines.endOffset() == offset && lines.terminated();
    }

    private boolean nextNonBlank(LineReader lines) throws IOException {
      while (lines.next()) {
        if (lines.tooLong() || !SourceInput.isBlank(lines.line(), 0, lines.line().length)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Reads the rest of a JSON Lines source.
     *
     * @param includeCurrent whether the line the reader is on still has to be read
     */
    private void readLines(
        LineReader lines, String name, Optional<String> sourceId, boolean includeCurrent)
        throws IOException {
      boolean more = includeCurrent || lines.next();
      while (more) {
        lastLine = lines.lineNumber();
        readLine(lines, name);
        if (sourceId.isPresent() && lines.terminated()) {
          // An unterminated last line may still be being written: it is read, but the
          // checkpoint stays before it so that the next ingest reads it again.
          checkpoints.put(
              sourceId.get(),
              new FileCheckpoint(sourceId.get(), lines.endOffset(), lines.lineNumber())
                  .toCheckpoint());
        }
        flushIfFull();
        more = lines.next();
      }
    }

    private void readLine(LineReader lines, String name) throws IOException {
      SourcePosition position = new SourcePosition(name, lines.lineNumber());
      if (lines.tooLong()) {
        reject(
            position,
            "line is "
                + lines.lineBytes()
                + " bytes, more than the limit of "
                + limits.maxLineBytes()
                + " (raise it with "
                + DecodeLimits.MAX_LINE_BYTES_SETTING
                + ")");
        return;
      }
      byte[] line = lines.line();
      if (SourceInput.isBlank(line, 0, line.length)) {
        return;
      }
      try {
        accept(AuditEventReader.decode(line, limits));
      } catch (AuditDecodeException e) {
        if (contains(line, EVENT_LIST)) {
          // A saved webhook batch on one line: every item is an event.
          readDocument(new ByteArrayInputStream(line), name, lines.lineNumber());
        } else {
          reject(position, e.getMessage());
        }
      }
    }

    /**
     * Reads a JSON document of events with the decoder's own reader.
     *
     * @param lineBefore added to the reader's line numbers (for a document that is one line of a
     *     file)
     */
    private void readDocument(InputStream in, String name, long lineBefore) throws IOException {
      try (AuditEventReader reader = AuditEventReader.of(in, name, limits)) {
        for (Optional<DecodeResult> r = reader.read(); r.isPresent(); r = reader.read()) {
          if (r.get() instanceof DecodeResult.Decoded decoded) {
            accept(decoded.event());
            if (lineBefore == 0) {
              flushIfFull(); // a document has no checkpoint to keep with its events
            }
          } else if (r.get() instanceof DecodeResult.Rejected rejected) {
            SourcePosition at = rejected.position();
            long line = lineBefore == 0 ? at.line() : lineBefore;
            reject(new SourcePosition(name, line), rejected.reason());
          }
        }
      }
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
              options.cluster(), ObjectNames.of(event.json()), options.clock().instant(), event));
      eventBytes += event.json().length();
    }

    /** Appends the batch once it is full; called where the batch's checkpoint is up to date. */
    private void flushIfFull() throws IOException {
      if (events.size() >= options.batchEvents() || eventBytes >= options.batchBytes()) {
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
      if (!appender.isAlive()) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          handoff.put(END);
          appender.join();
          break;
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

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
