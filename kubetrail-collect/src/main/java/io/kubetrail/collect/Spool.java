package io.kubetrail.collect;

import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.files.AtomicFiles;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The pipeline's on-disk buffer: batches, with the source positions they reach and what the metrics
 * say of them, kept in order until the store takes them.
 *
 * <p>Each batch is one file, {@code batch-<sequence>.spool}, written whole to a temporary file,
 * synced, then renamed and the directory synced: after a crash a batch is there whole or not at
 * all, and once {@link #add} returns it survives a power cut. A file is deleted only after its
 * batch is in the store, so a crash between the two appends it again, which the store's idempotent
 * identity makes harmless. Its last 8 bytes are a CRC-32 of the rest.
 *
 * <p>One thread adds, another drains; the buffer's own state is guarded by its monitor.
 */
final class Spool implements Closeable {
  private static final String PREFIX = "batch-";
  private static final String SUFFIX = ".spool";
  private static final String DAMAGED = ".damaged";
  private static final long MAGIC = 0x4b54_5350_4f4f_4c31L; // "KTSPOOL1"

  /** One buffered batch, as listed at open or when added. */
  record Entry(
      long sequence,
      Path file,
      long bytes,
      int events,
      Instant spooledAt,
      Map<String, SourceCheckpoint> checkpoints) {}

  /** A buffered batch read back: what to append, and what the metrics hear once it is. */
  record Spooled(Batch batch, List<PipelineListener.SourceCommit> sources) {}

  private final Path directory;
  private final long maxBytes;
  private final DecodeLimits limits;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long bytes;
  private long nextSequence = 1;
  private final List<String> damaged = new ArrayList<>();

  private Spool(
      Path directory, long maxBytes, DecodeLimits limits, FileChannel lockFile, FileLock lock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.limits = limits;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /**
   * Opens the buffer, creating its directory, and lists the batches a previous run left.
   *
   * @param limits the decoding limits buffered events passed; read back under the same
   * @throws IOException when the directory cannot be used, or another process uses it
   */
  static Spool open(BufferOptions options, DecodeLimits limits) throws IOException {
    Path dir = options.directory().toAbsolutePath().normalize();
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "buffer.dir " + dir + " is in use by another collector; give each its own");
    }
    Spool spool = new Spool(dir, options.maxBytes(), readLimits(limits), channel, lock);
    try {
      spool.load();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  /** Limits to read events back under: no size limit (redaction may have grown an event). */
  private static DecodeLimits readLimits(DecodeLimits limits) {
    return limits.toBuilder()
        .maxEventBytes(Integer.MAX_VALUE)
        .maxLineBytes(Integer.MAX_VALUE)
        .build();
  }

  private void load() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.toList();
    }
    List<Entry> found = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.endsWith(".tmp")) {
        // A batch whose writing a crash cut short: it was never acknowledged, its source sends
        // (or its file is read) again.
        Files.deleteIfExists(f);
      } else if (name.matches(PREFIX + "[0-9]{1,19}\\" + SUFFIX)) {
        long sequence =
            Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        try {
          found.add(header(f, sequence));
        } catch (NotWholeException e) {
          setAside(f);
          damaged.add(damagedNote(f, e.getMessage()));
        }
      }
    }
    found.sort(Comparator.comparingLong(Entry::sequence));
    for (Entry e : found) {
      entries.add(e);
      bytes += e.bytes();
      nextSequence = e.sequence() + 1;
    }
  }

  /** Reads a batch file's header, once its checksum shows it whole. */
  private static Entry header(Path file, long sequence) throws IOException {
    byte[] all = whole(file);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
      in.readLong();
      Instant at = Instant.ofEpochMilli(in.readLong());
      int events = in.readInt();
      Map<String, SourceCheckpoint> checkpoints = readCheckpoints(in, all.length);
      return new Entry(sequence, file, all.length, events, at, checkpoints);
    } catch (IllegalArgumentException e) {
      throw new NotWholeException(e.getMessage());
    }
  }

  /** A batch file's bytes; fails unless it starts as one and its checksum matches. */
  private static byte[] whole(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 16 || ByteBuffer.wrap(all, 0, 8).getLong() != MAGIC) {
      throw new NotWholeException("not a whole buffered batch (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    if (ByteBuffer.wrap(all, all.length - 8, 8).getLong() != crc.getValue()) {
      throw new NotWholeException("its checksum does not match");
    }
    return all;
  }

  /** A batch file that is not what {@link #add} wrote: cut short or changed. */
  private static final class NotWholeException extends IOException {
    private static final long serialVersionUID = 1L;

    NotWholeException(String message) {
      super(message);
    }
  }

  /** Encodes a batch as {@link #add} keeps it. */
  static byte[] encode(Batch batch, List<PipelineListener.SourceCommit> sources, Instant now)
      throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeLong(MAGIC);
    out.writeLong(now.toEpochMilli());
    out.writeInt(batch.events().size());
    out.writeInt(batch.checkpoints().size());
    for (Map.Entry<String, SourceCheckpoint> c : batch.checkpoints().entrySet()) {
      writeString(out, c.getKey());
      writeString(out, c.getValue().position());
    }
    out.writeInt(sources.size());
    for (PipelineListener.SourceCommit s : sources) {
      writeString(out, s.source());
      out.writeLong(s.events());
      out.writeLong(s.newestEventMicros());
    }
    for (StoredEvent e : batch.events()) {
      writeString(out, e.cluster());
      writeString(out, e.name());
      out.writeLong(e.generatedTime().getEpochSecond());
      out.writeInt(e.generatedTime().getNano());
      out.writeInt(e.event().json().length());
      e.event().json().writeTo(out);
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(buffer.toByteArray());
    out.writeLong(crc.getValue());
    return buffer.toByteArray();
  }

  /** True when {@code size} more bytes fit; always when the buffer is empty. */
  synchronized boolean hasRoomFor(long size) {
    return entries.isEmpty() || bytes + size <= maxBytes;
  }

  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Keeps an {@link #encode encoded} batch durably, after every batch added before. */
  void add(byte[] encoded, int events, Map<String, SourceCheckpoint> checkpoints, Instant now)
      throws IOException {
    long sequence;
    synchronized (this) {
      sequence = nextSequence++;
    }
    Path file =
        directory.resolve(String.format(Locale.ROOT, "%s%019d%s", PREFIX, sequence, SUFFIX));
    try {
      AtomicFiles.replace(file, encoded);
    } catch (IOException e) {
      throw new IOException("cannot write the buffer file " + file + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      entries.add(new Entry(sequence, file, encoded.length, events, now, Map.copyOf(checkpoints)));
      bytes += encoded.length;
    }
  }

  /** The oldest batches: at least one, more while they stay within both limits together. */
  synchronized List<Entry> head(int maxEvents, long maxBatchBytes) {
    List<Entry> head = new ArrayList<>();
    long events = 0;
    long size = 0;
    for (Entry e : entries) {
      if (!head.isEmpty()
          && (events + e.events() > maxEvents || size + e.bytes() > maxBatchBytes)) {
        break;
      }
      head.add(e);
      events += e.events();
      size += e.bytes();
    }
    return head;
  }

  /**
   * Reads buffered batches back as one.
   *
   * @throws DamagedException naming the first file that is not whole (a failing disk)
   */
  Spooled read(List<Entry> head) throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    Map<String, SourceCheckpoint> checkpoints = new LinkedHashMap<>();
    List<PipelineListener.SourceCommit> sources = new ArrayList<>();
    for (Entry e : head) {
      Spooled one = read(e);
      events.addAll(one.batch().events());
      checkpoints.putAll(one.batch().checkpoints()); // a later position of a source wins
      sources.addAll(one.sources());
    }
    return new Spooled(new Batch(events, checkpoints), sources);
  }

  private Spooled read(Entry entry) throws IOException {
    byte[] all;
    try {
      all = whole(entry.file());
    } catch (NotWholeException e) {
      throw new DamagedException(entry, e.getMessage());
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
      in.readLong();
      in.readLong();
      int count = in.readInt();
      Map<String, SourceCheckpoint> checkpoints = readCheckpoints(in, all.length);
      int sourceCount = in.readInt();
      List<PipelineListener.SourceCommit> sources = new ArrayList<>();
      for (int i = 0; i < sourceCount; i++) {
        sources.add(
            new PipelineListener.SourceCommit(
                readString(in, all.length), in.readLong(), in.readLong()));
      }
      List<StoredEvent> events = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String cluster = readString(in, all.length);
        String name = readString(in, all.length);
        Instant generated = Instant.ofEpochSecond(in.readLong(), in.readInt());
        byte[] json = readBytes(in, all.length);
        AuditEvent event = AuditEventReader.decode(json, limits);
        events.add(new StoredEvent(cluster, name, generated, event));
      }
      return new Spooled(new Batch(events, checkpoints), sources);
    } catch (AuditDecodeException | EOFException | IllegalArgumentException e) {
      throw new DamagedException(entry, e.getMessage());
    }
  }

  /** Forgets batches the store took, oldest first. */
  void remove(List<Entry> head) throws IOException {
    for (Entry e : head) {
      Files.deleteIfExists(e.file());
      synchronized (this) {
        if (entries.remove(e)) {
          bytes -= e.bytes();
        }
      }
    }
  }

  /** Keeps a damaged file out of the way, beside the others, for an operator to look at. */
  void setAside(Entry entry) throws IOException {
    setAside(entry.file());
    synchronized (this) {
      if (entries.remove(entry)) {
        bytes -= entry.bytes();
      }
    }
  }

  private static void setAside(Path file) throws IOException {
    Files.move(
        file,
        file.resolveSibling(file.getFileName() + DAMAGED),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The position of each source its newest buffered batch reaches. */
  synchronized Map<String, SourceCheckpoint> checkpoints() {
    Map<String, SourceCheckpoint> all = new LinkedHashMap<>();
    entries.forEach(e -> all.putAll(e.checkpoints()));
    return all;
  }

  synchronized BufferState state(boolean full) {
    return new BufferState(
        bytes,
        entries.size(),
        Optional.ofNullable(entries.peekFirst()).map(Entry::spooledAt),
        full);
  }

  /** What was wrong with the files found at open: each damaged one, set aside. */
  List<String> damagedAtOpen() {
    return List.copyOf(damaged);
  }

  Path directory() {
    return directory;
  }

  private static Map<String, SourceCheckpoint> readCheckpoints(DataInputStream in, long size)
      throws IOException {
    int n = in.readInt();
    if (n < 0 || n > size) {
      throw new IOException("bad checkpoint count " + n);
    }
    Map<String, SourceCheckpoint> checkpoints = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      checkpoints.put(readString(in, size), new SourceCheckpoint(readString(in, size)));
    }
    return checkpoints;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in, long size) throws IOException {
    return new String(readBytes(in, size), StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(DataInputStream in, long size) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > size) {
      throw new IOException("bad length " + n);
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("cut short");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      lockFile.close();
    }
  }

  private static String damagedNote(Path file, String why) {
    return "the buffered batch "
        + file
        + " is damaged ("
        + why
        + "); it is set aside as "
        + file.getFileName()
        + DAMAGED;
  }

  /** A buffered batch that cannot be read back whole. */
  static final class DamagedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Entry entry;

    DamagedException(Entry entry, String why) {
      super(damagedNote(entry.file(), why));
      this.entry = entry;
    }

    Entry entry() {
      return entry;
    }
  }
}
