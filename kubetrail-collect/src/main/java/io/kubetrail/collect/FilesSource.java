package io.kubetrail.collect;

import io.kubetrail.event.SourcePosition;
import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.SourceCheckpoint;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Files read once, in the order given, each resumed after what an earlier run stored (JSON Lines
 * files carry a {@link FileCheckpoint}); or one stream, such as standard input, read whole. This is
 * what {@code ingest} reads.
 */
final class FilesSource implements Source {
  private final List<Path> files;
  private final List<Long> sizes;
  private final Optional<InputStream> stream;
  private final String streamName;
  private final IngestListener listener;
  private final Optional<Function<String, Optional<SourceCheckpoint>>> positions;
  private final RecordFormat format;
  private final long bytesTotal;
  private SourceContext context;
  private SourceWriter writer;
  private RecordReader reader;
  private String checkpointScope;
  private long sources;
  private long resumed;
  private long bytesDoneBefore;
  private SourceInput current;

  private FilesSource(
      List<Path> files,
      Optional<InputStream> stream,
      String streamName,
      IngestListener listener,
      Optional<Function<String, Optional<SourceCheckpoint>>> positions,
      RecordFormat format)
      throws IOException {
    this.format = format;
    this.files = List.copyOf(files);
    this.stream = stream;
    this.streamName = streamName;
    this.listener = listener;
    this.positions = positions;
    List<Long> sizes = new ArrayList<>();
    long total = 0;
    for (Path file : files) {
      sizes.add(Files.size(file));
      total += sizes.get(sizes.size() - 1);
    }
    this.sizes = List.copyOf(sizes);
    this.bytesTotal = stream.isPresent() ? -1 : total;
  }

  static FilesSource of(List<Path> files, RecordFormat format, IngestListener listener)
      throws IOException {
    return new FilesSource(files, Optional.empty(), "", listener, Optional.empty(), format);
  }

  static FilesSource of(InputStream in, String name, RecordFormat format, IngestListener listener)
      throws IOException {
    return new FilesSource(List.of(), Optional.of(in), name, listener, Optional.empty(), format);
  }

  /**
   * Files resumed from the positions {@code positions} gives (by source id) rather than from those
   * committed when the pipeline started: a followed file's backups, read after its source has read
   * on.
   */
  static FilesSource resuming(
      List<Path> files, Function<String, Optional<SourceCheckpoint>> positions) throws IOException {
    return resuming(files, RecordFormat.AUDIT, positions);
  }

  /** Files of records in {@code format}, resumed from the positions {@code positions} gives. */
  static FilesSource resuming(
      List<Path> files, RecordFormat format, Function<String, Optional<SourceCheckpoint>> positions)
      throws IOException {
    return new FilesSource(
        files, Optional.empty(), "", IngestListener.NONE, Optional.of(positions), format);
  }

  @Override
  public String name() {
    return "ingest";
  }

  SourceWriter writer() {
    return writer;
  }

  long sources() {
    return sources;
  }

  long resumed() {
    return resumed;
  }

  @Override
  public void run(SourceContext context) throws IOException {
    this.context = context;
    writer = context.writer();
    reader = new RecordReader(writer, context.options().limits(), format, this::flushIfFull);
    checkpointScope = FileCheckpoint.scope(context.options(), format);
    if (stream.isPresent()) {
      try (SourceInput input = new SourceInput(stream.get(), 0)) {
        listener.sourceStarted(streamName, 1, 1, -1);
        current = input;
        readSafely(
            streamName, () -> reader.read(input.stream(), streamName, Optional.empty(), 0, 0));
      }
    } else {
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        listener.sourceStarted(file.toString(), i + 1, files.size(), sizes.get(i));
        String name = file.toString();
        try {
          readSafely(name, () -> readFile(file, name, context));
        } finally {
          bytesDoneBefore += sizes.get(i);
          current = null;
        }
      }
    }
    flush();
  }

  /** Reads one source; a damaged one (a truncated gzip, a read error) loses its rest only. */
  private void readSafely(String name, SourceReading reading) throws IOException {
    sources++;
    try {
      reading.run();
      if (current != null) {
        current.throwIfDamaged();
      }
    } catch (IngestFailedException | InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      writer.reject(
          new SourcePosition(name, reader.lastLine() + 1),
          "cannot read on: " + e + "; the records before this one were read");
    }
  }

  private void readFile(Path file, String name, SourceContext context) throws IOException {
    FileCheckpoint resumeAt;
    boolean gzip;
    try (SourceInput input = open(file, 0)) {
      SourceInput.Sniff sniff = input.sniff();
      // Only JSON Lines are checkpointed: a document has no line boundary to resume at.
      Optional<String> sourceId =
          sniff.document()
              ? Optional.empty()
              : sniff.firstLine().map(line -> FileCheckpoint.sourceId(checkpointScope, line));
      Function<String, Optional<SourceCheckpoint>> resumeFrom =
          positions.orElse(context::checkpoint);
      Optional<FileCheckpoint> checkpoint =
          sourceId.flatMap(id -> resumeFrom.apply(id).flatMap(c -> FileCheckpoint.parse(id, c)));
      if (checkpoint.isEmpty()) {
        reader.read(input.stream(), name, sourceId, 0, 0);
        return;
      }
      resumeAt = checkpoint.get();
      gzip = input.gzip();
      if (gzip && skipToLineEnd(input.stream(), resumeAt.offset())) {
        resumed++;
        reader.read(input.stream(), name, sourceId, resumeAt.offset(), resumeAt.line());
        return;
      }
    }
    Optional<String> sourceId = Optional.of(resumeAt.sourceId());
    if (!gzip && endsLineAt(file, resumeAt.offset())) {
      try (SourceInput input = openAt(file, resumeAt.offset())) {
        resumed++;
        reader.read(input.stream(), name, sourceId, resumeAt.offset(), resumeAt.line());
      }
      return;
    }
    // The file no longer matches its checkpoint: read it all; the store drops duplicates.
    try (SourceInput input = open(file, 0)) {
      reader.read(input.stream(), name, sourceId, 0, 0);
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
  static boolean endsLineAt(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer before = ByteBuffer.allocate(1);
      return offset > 0
          && channel.size() >= offset
          && channel.read(before, offset - 1) == 1
          && before.get(0) == '\n';
    }
  }

  /** Skips a decompressed stream to a checkpoint; false when no line ends there. */
  static boolean skipToLineEnd(InputStream in, long offset) throws IOException {
    try {
      in.skipNBytes(offset - 1);
      return in.read() == '\n';
    } catch (EOFException e) {
      return false;
    }
  }

  private void flushIfFull(int factor) throws IOException {
    if (writer.full(factor)) {
      flush();
    }
  }

  private void flush() throws IOException {
    writer.flush();
    long done = bytesDoneBefore + (current == null ? 0 : current.rawPosition());
    listener.progress(
        done, bytesTotal, summary(context.pipeline().stored(), context.pipeline().duplicates()));
  }

  IngestSummary summary(long stored, long duplicates) {
    return new IngestSummary(
        sources,
        resumed,
        writer == null ? 0 : writer.read(),
        stored,
        duplicates,
        writer == null ? 0 : writer.filtered(),
        writer == null ? 0 : writer.malformed(),
        writer == null ? List.of() : writer.rejections());
  }

  /** Reading a source, which may fail. */
  private interface SourceReading {
    void run() throws IOException;
  }
}
