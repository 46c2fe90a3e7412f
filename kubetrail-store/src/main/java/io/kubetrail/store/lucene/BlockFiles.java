package io.kubetrail.store.lucene;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.lucene.util.IOUtils;

/**
 * The store's events, in append-only files of {@link EventBlock blocks} beside the index: {@code
 * events-000001.blk}, {@code events-000002.blk}, ... A file starts with its own header (magic, the
 * first batch it holds, a checksum) and is followed by the next once it passes {@link #ROLL_BYTES},
 * so that pruning can delete whole files. A batch's blocks are all in one file.
 *
 * <p>The index's commit records how far the files are durable (the newest file and its length);
 * bytes past it are an append that was never acknowledged, cut off when a writer opens the store.
 * An event's position is its file, its block's offset in the file and its slot in the block, in one
 * long.
 */
final class BlockFiles implements Closeable {
  /** A file is followed by the next once it is this long. */
  static final long ROLL_BYTES = 64L * 1024 * 1024;

  static final int FILE_HEADER_BYTES = 8 + 8 + 4;
  private static final long FILE_MAGIC = 0x4b544556454e5434L; // "KTEVENT4"
  private static final Pattern NAME = Pattern.compile("events-(\\d{6,})\\.blk");
  private static final int SLOT_BITS = 8;
  private static final int OFFSET_BITS = 40;

  /** What is done to the block files; tests halt or fail at these points. */
  enum Op {
    CREATE,
    WRITE,
    SYNC,
    TRUNCATE,
    DELETE
  }

  /** Told before each change to the block files (tests inject crashes and faults here). */
  @FunctionalInterface
  interface Operations {
    Operations NONE = (op, file, at, data) -> {};

    /**
     * Before {@code op} on {@code file}; for a write, the bytes about to be written at {@code at}.
     */
    void before(Op op, Path file, long at, ByteBuffer data) throws IOException;
  }

  private final Path dir;
  private final Operations ops;
  private final long rollBytes;
  private final Map<Long, FileChannel> readers = new ConcurrentHashMap<>();
  private final EventCache cache;

  /**
   * The file appends go to, or null before the first append of this process. Written by the
   * appending thread; read by the one that syncs for a group of appends ({@link #sync(long,
   * long)}).
   */
  private volatile FileChannel appending;

  private volatile long appendingFile;
  private volatile long appendingLength;

  BlockFiles(Path dir) {
    this(dir, Operations.NONE);
  }

  BlockFiles(Path dir, Operations ops) {
    this(dir, ops, ROLL_BYTES);
  }

  /** With files followed by the next once they are {@code rollBytes} long (tests roll often). */
  BlockFiles(Path dir, Operations ops, long rollBytes) {
    this(dir, ops, rollBytes, 0);
  }

  /** With a cache of up to {@code cacheBytes} of events that search pages read (0: none). */
  BlockFiles(Path dir, Operations ops, long rollBytes, long cacheBytes) {
    this.dir = dir;
    this.ops = ops;
    this.rollBytes = rollBytes;
    this.cache = new EventCache(cacheBytes);
  }

  /**
   * A block file's name: its number in at least six digits. Built by hand: every block written
   * names its file, and a format string is parsed anew at each call.
   */
  static String name(long file) {
    if (file < 0) {
      throw new IllegalArgumentException("block file numbers are positive, was " + file);
    }
    String digits = Long.toString(file);
    return "events-" + "000000".substring(Math.min(6, digits.length())) + digits + ".blk";
  }

  static boolean isBlockFile(String name) {
    return NAME.matcher(name).matches();
  }

  static long position(long file, long offset, int slot) {
    if (offset >= 1L << OFFSET_BITS || file >= 1L << (63 - OFFSET_BITS - SLOT_BITS)) {
      throw new IllegalStateException("block position out of range: file " + file + " @" + offset);
    }
    return (file << (OFFSET_BITS + SLOT_BITS)) | (offset << SLOT_BITS) | slot;
  }

  static long file(long position) {
    return position >>> (OFFSET_BITS + SLOT_BITS);
  }

  static long offset(long position) {
    return (position >>> SLOT_BITS) & ((1L << OFFSET_BITS) - 1);
  }

  static int slot(long position) {
    return (int) (position & ((1 << SLOT_BITS) - 1));
  }

  /** The block files present, by number. */
  TreeMap<Long, Path> list() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (var entries = Files.newDirectoryStream(dir, "events-*.blk")) {
      for (Path p : entries) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          files.put(Long.parseLong(m.group(1)), p);
        }
      }
    }
    return files;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing (one appending thread)

  /**
   * Makes the files what the commit says is durable: cuts the last file back to its committed
   * length and deletes any file after it (an append that was never acknowledged).
   */
  void rollbackTo(long file, long length) throws IOException {
    closeAppending();
    for (Map.Entry<Long, Path> f : list().tailMap(file, true).entrySet()) {
      cache.discard(f.getKey(), f.getKey() > file ? 0 : length);
      if (f.getKey() > file) {
        closeReader(f.getKey());
        ops.before(Op.DELETE, f.getValue(), 0, null);
        Files.deleteIfExists(f.getValue());
      } else if (Files.size(f.getValue()) > length) {
        ops.before(Op.TRUNCATE, f.getValue(), length, null);
        try (FileChannel c = FileChannel.open(f.getValue(), StandardOpenOption.WRITE)) {
          c.truncate(length);
          c.force(true);
        }
      }
    }
    appendingFile = file;
    appendingLength = length;
  }

  /**
   * Starts a batch's blocks: in the current file, or in a new one when it is full. Returns the
   * file's number.
   */
  long beginBatch(long batch) throws IOException {
    if (appendingFile != 0 && appendingLength < rollBytes) {
      if (appending == null) {
        appending = FileChannel.open(dir.resolve(name(appendingFile)), StandardOpenOption.WRITE);
      }
      return appendingFile;
    }
    closeAppending();
    long file = appendingFile + 1;
    Path path = dir.resolve(name(file));
    ops.before(Op.CREATE, path, 0, null);
    FileChannel c =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES);
      header.putLong(FILE_MAGIC).putLong(batch);
      CRC32C crc = new CRC32C();
      crc.update(header.array(), 0, 16);
      header.putInt((int) crc.getValue()).flip();
      ops.before(Op.WRITE, path, 0, header.duplicate());
      writeFully(c, header, 0);
      ops.before(Op.SYNC, path, 0, null);
      c.force(true);
      // The new name must survive a power loss as well as the bytes.
      IOUtils.fsync(dir, true);
    } catch (IOException | RuntimeException e) {
      c.close();
      Files.deleteIfExists(path);
      throw e;
    }
    appending = c;
    appendingFile = file;
    appendingLength = FILE_HEADER_BYTES;
    return file;
  }

  /** Appends a block to the current file; returns its offset. */
  long write(byte[] block) throws IOException {
    long offset = appendingLength;
    ops.before(Op.WRITE, dir.resolve(name(appendingFile)), offset, ByteBuffer.wrap(block));
    writeFully(appending, ByteBuffer.wrap(block), offset);
    appendingLength += block.length;
    return offset;
  }

  /** Makes everything appended durable. */
  void sync() throws IOException {
    if (appending != null) {
      sync(appendingFile, appendingLength);
    }
  }

  /** Whether the next batch starts a new file (and closes the one in hand). */
  boolean startsNewFile() {
    return appendingFile == 0 || appendingLength >= rollBytes;
  }

  /**
   * Makes the file in hand durable through byte {@code end} at least, on any thread, while the
   * appending one may write after it: the file must not roll meanwhile.
   */
  void sync(long file, long end) throws IOException {
    FileChannel c = appending;
    if (c == null || appendingFile != file) {
      throw new IllegalStateException("file " + name(file) + " is not the one appended to");
    }
    ops.before(Op.SYNC, dir.resolve(name(file)), end, null);
    c.force(false);
  }

  long appendingFile() {
    return appendingFile;
  }

  long appendingLength() {
    return appendingLength;
  }

  private void closeAppending() throws IOException {
    if (appending != null) {
      FileChannel c = appending;
      appending = null;
      c.close();
    }
  }

  private static void writeFully(FileChannel c, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += c.write(b, at);
    }
  }

  /** Deletes a file whose every batch was pruned. */
  void delete(long file) throws IOException {
    cache.discard(file, 0);
    closeReader(file);
    ops.before(Op.DELETE, dir.resolve(name(file)), 0, null);
    Files.deleteIfExists(dir.resolve(name(file)));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading (any thread)

  /** The first batch a file holds, from its header. */
  long firstBatch(long file) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES);
    readFully(file, header, 0);
    header.flip();
    if (!fileHeaderIntact(header)) {
      throw damaged(file, "its header is damaged (magic or checksum)", "");
    }
    return header.getLong(8);
  }

  private static boolean fileHeaderIntact(ByteBuffer header) {
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, 16);
    return header.getLong(0) == FILE_MAGIC && header.getInt(16) == (int) crc.getValue();
  }

  /** The block at an event's position, checked against its checksum and decompressed. */
  EventBlock.Decoded read(long position) throws IOException {
    return read(position, Buffers.FRESH);
  }

  /**
   * Byte arrays for reading blocks into: fresh ones each time, or, for a reader of one block after
   * another that drops each before reading the next (a scan's cursor), the same ones grown as
   * needed. A month's scan decompressed 1.6 GB into arrays used once.
   */
  static final class Buffers {
    static final Buffers FRESH = new Buffers(false);
    private final boolean reused;
    private byte[] stored = new byte[0];
    private byte[] plain = new byte[0];

    private Buffers(boolean reused) {
      this.reused = reused;
    }

    /** Buffers kept from one block to the next; not thread-safe. */
    static Buffers reused() {
      return new Buffers(true);
    }

    /** An array for a block's stored bytes. */
    byte[] stored(int length) {
      return reused ? (stored = atLeast(stored, length)) : new byte[length];
    }

    /** An array for a block's decompressed bytes. */
    byte[] plain(int length) {
      return reused ? (plain = atLeast(plain, length)) : new byte[length];
    }

    private static byte[] atLeast(byte[] kept, int length) {
      return kept.length >= length ? kept : new byte[Math.max(length, kept.length * 3 / 2)];
    }
  }

  /**
   * The same, reading into {@code buffers}: what an earlier call returned with the same reused
   * buffers must no longer be read.
   */
  EventBlock.Decoded read(long position, Buffers buffers) throws IOException {
    long file = file(position);
    long offset = offset(position);
    ByteBuffer head = ByteBuffer.allocate(EventBlock.HEADER_BYTES);
    readFully(file, head, offset);
    head.flip();
    EventBlock.Header h = EventBlock.header(head);
    if (h == null || h.record()) {
      throw damaged(file, "holds no block header at byte " + offset, "");
    }
    if (h.size() > Integer.MAX_VALUE - 16) {
      throw damaged(file, "holds a block header claiming " + h.size() + " bytes at " + offset, "");
    }
    int size = (int) h.size();
    byte[] block = buffers.stored(size);
    ByteBuffer all = ByteBuffer.wrap(block, 0, size);
    readFully(file, all, offset);
    if (!EventBlock.checksumMatches(block, size)) {
      throw damaged(
          file, "does not match its checksum in the block at byte " + offset, "batch " + h.batch());
    }
    try {
      return EventBlock.decode(h, block, buffers.plain(h.length()));
    } catch (IOException e) {
      // The checksum matched: the file was rewritten whole, not damaged by accident.
      throw damaged(
          file,
          "holds a block at byte " + offset + " that cannot be read (" + e.getMessage() + ")",
          "batch " + h.batch());
    }
  }

  /** The events search pages share; see {@link StoredEvents#load}. */
  EventCache cache() {
    return cache;
  }

  private void readFully(long file, ByteBuffer b, long at) throws IOException {
    FileChannel c = reader(file);
    long start = at;
    while (b.hasRemaining()) {
      int n = c.read(b, at);
      if (n < 0) {
        throw damaged(file, "ends at byte " + at + ", inside what was read from " + start, "");
      }
      at += n;
    }
  }

  private FileChannel reader(long file) throws IOException {
    FileChannel c = readers.get(file);
    if (c != null) {
      return c;
    }
    try {
      c = FileChannel.open(dir.resolve(name(file)), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw damaged(file, "is missing", "");
    }
    FileChannel raced = readers.putIfAbsent(file, c);
    if (raced != null) {
      c.close();
      return raced;
    }
    return c;
  }

  private void closeReader(long file) throws IOException {
    FileChannel c = readers.remove(file);
    if (c != null) {
      c.close();
    }
  }

  /** Writes a batch record, which ends a batch's blocks. */
  void writeRecord(byte[] record) throws IOException {
    write(record);
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery

  /** Told each complete batch that {@link #scan} finds. */
  @FunctionalInterface
  interface BatchVisitor {
    /**
     * One batch: the positions of its blocks (slot 0), its record, and where it ends.
     *
     * @throws IOException to stop the scan
     */
    void batch(long file, List<Long> blocks, EventBlock.BatchRecord record, long end)
        throws IOException;
  }

  /**
   * Reads the records after a committed end, in order, handing each complete batch to the visitor;
   * returns the end of the last complete batch as {file, length}. Stops at the first record that is
   * incomplete or does not match its checksum: what follows was never acknowledged (an append cut
   * short by a crash or a power loss).
   */
  long[] scan(long file, long length, BatchVisitor visitor) throws IOException {
    long[] end = {file, length};
    long previous = file;
    for (Map.Entry<Long, Path> f : list().tailMap(file, true).entrySet()) {
      long n = f.getKey();
      long size = Files.size(f.getValue());
      long at;
      if (n == file && file != 0) {
        at = length;
      } else {
        if (n != previous + 1) {
          return end;
        }
        try {
          firstBatch(n);
        } catch (BlockDamageException e) {
          return end;
        }
        at = FILE_HEADER_BYTES;
      }
      previous = n;
      List<Long> blocks = new ArrayList<>();
      ByteBuffer head = ByteBuffer.allocate(EventBlock.HEADER_BYTES);
      while (at + EventBlock.HEADER_BYTES <= size) {
        head.clear();
        readFully(n, head, at);
        head.flip();
        EventBlock.Header h = EventBlock.header(head);
        if (h == null || h.size() > size - at) {
          return end;
        }
        byte[] block = new byte[(int) h.size()];
        readFully(n, ByteBuffer.wrap(block), at);
        if (!EventBlock.checksumMatches(block, block.length)) {
          return end;
        }
        if (h.record()) {
          visitor.batch(n, blocks, EventBlock.decodeRecord(block), at + h.size());
          blocks = new ArrayList<>();
          end = new long[] {n, at + h.size()};
        } else {
          blocks.add(position(n, at, 0));
        }
        at += h.size();
      }
      if (!blocks.isEmpty() || at != size) {
        return end;
      }
    }
    return end;
  }

  // ---------------------------------------------------------------------------------------------
  // Checking

  /**
   * Checks every block of every file up to the committed end against its checksum; the first damage
   * found, if any. Bytes past the committed end belong to an append under way.
   */
  Optional<StoreFiles.Damage> check(long lastFile, long lastLength) throws IOException {
    for (Map.Entry<Long, Path> f : list().entrySet()) {
      long file = f.getKey();
      if (file > lastFile) {
        continue;
      }
      long end = file == lastFile ? lastLength : Files.size(f.getValue());
      try {
        checkFile(file, end);
      } catch (BlockDamageException e) {
        return Optional.of(e.damage());
      }
    }
    if (lastFile != 0 && !Files.exists(dir.resolve(name(lastFile)))) {
      return Optional.of(new StoreFiles.Damage(name(lastFile), "is missing", "the newest events"));
    }
    return Optional.empty();
  }

  private void checkFile(long file, long end) throws IOException {
    firstBatch(file);
    long at = FILE_HEADER_BYTES;
    ByteBuffer head = ByteBuffer.allocate(EventBlock.HEADER_BYTES);
    byte[] buffer = new byte[EventBlock.TARGET_BYTES * 2];
    while (at < end) {
      head.clear();
      if (end - at < EventBlock.HEADER_BYTES) {
        throw damaged(file, "ends inside a block header at byte " + at, "");
      }
      readFully(file, head, at);
      head.flip();
      EventBlock.Header h = EventBlock.header(head);
      if (h == null) {
        throw damaged(file, "holds no block header at byte " + at, "");
      }
      if (h.size() > end - at) {
        throw damaged(file, "ends inside the block at byte " + at, "batch " + h.batch());
      }
      if (buffer.length < h.size()) {
        buffer = new byte[(int) h.size()];
      }
      ByteBuffer all = ByteBuffer.wrap(buffer, 0, (int) h.size());
      readFully(file, all, at);
      if (!EventBlock.checksumMatches(buffer, (int) h.size())) {
        throw damaged(
            file, "does not match its checksum in the block at byte " + at, "batch " + h.batch());
      }
      at += h.size();
    }
  }

  private static BlockDamageException damaged(long file, String problem, String holds) {
    return new BlockDamageException(new StoreFiles.Damage(name(file), problem, holds));
  }

  /** Damage found in a block file, named. */
  static final class BlockDamageException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient StoreFiles.Damage damage;

    BlockDamageException(StoreFiles.Damage damage) {
      super(damage.describe());
      this.damage = damage;
    }

    StoreFiles.Damage damage() {
      return damage;
    }
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Long file : readers.keySet()) {
      try {
        closeReader(file);
      } catch (IOException e) {
        failure = e;
      }
    }
    try {
      closeAppending();
    } catch (IOException e) {
      failure = e;
    }
    if (failure != null) {
      throw failure;
    }
  }
}
