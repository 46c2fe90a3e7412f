package io.kubetrail.store.lucene;

import io.kubetrail.compress.Lz4Compressor;
import io.kubetrail.compress.Lz4Decompressor;
import io.kubetrail.event.RawJson;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The records of the block files. An event block holds up to {@link #MAX_EVENTS} consecutive events
 * of one batch, each as its encoded model and raw JSON, compressed together; a batch record follows
 * a batch's blocks and ends it, with the batch's header (its link in the hash chain) and the source
 * checkpoints committed with it. On disk, both are:
 *
 * <pre>
 * magic (int) | codec (byte) | batch (long) | events (int) | length (int) | stored length (int)
 *   | stored bytes | CRC-32C of everything before (int)
 * </pre>
 *
 * Uncompressed, an event block is, for each event, its model length and raw length (ints) and then
 * the model and raw bytes. The checksum is checked before anything is decompressed, so damage is
 * named, never decompressed into garbage.
 */
final class EventBlock {
  /** Events per block at most: an event's position keeps its slot in 8 bits. */
  static final int MAX_EVENTS = 256;

  /** Uncompressed bytes a block is filled to before the next starts. */
  static final int TARGET_BYTES = 64 * 1024;

  static final int HEADER_BYTES = 4 + 1 + 8 + 4 + 4 + 4;
  static final int TRAILER_BYTES = 4;
  private static final int MAGIC = 0x4b54424b; // "KTBK"
  private static final int RECORD_MAGIC = 0x4b544252; // "KTBR"
  private static final byte NO_CODEC = 0;
  private static final byte LZ4_CODEC = 1;
  private static final byte DEFLATE_CODEC = 2;

  /** The most bytes a block can claim to hold; more means its header is damaged. */
  static final int MAX_LENGTH = Integer.MAX_VALUE - 64;

  private EventBlock() {}

  /**
   * A block made for writing.
   *
   * @param bytes the block as it goes on disk, checksum included
   * @param models each event's encoded model, for the batch's digest
   */
  record Built(byte[] bytes, byte[][] models) {}

  /**
   * What building a block needs besides its events, reused from block to block: the buffers and
   * LZ4's hash table would otherwise be made anew for each block, several times its size.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final EventCodec.Encoder encoder = new EventCodec.Encoder();
    final ByteOutput plain = new ByteOutput(TARGET_BYTES + TARGET_BYTES / 4);
    final ByteOutput out = new ByteOutput(HEADER_BYTES + TARGET_BYTES + TARGET_BYTES / 2);
    final Lz4Compressor lz4 = new Lz4Compressor();
  }

  /** Encodes and compresses events (a thread of its own may do this: nothing is shared). */
  static Built build(long batch, List<StoredEvent> events, LuceneOptions.Compression compression) {
    if (events.isEmpty() || events.size() > MAX_EVENTS) {
      throw new IllegalArgumentException("a block holds 1 to " + MAX_EVENTS + " events");
    }
    Scratch scratch = SCRATCH.get();
    byte[][] models = new byte[events.size()][];
    ByteOutput plain = scratch.plain;
    plain.length = 0;
    for (int i = 0; i < events.size(); i++) {
      models[i] = scratch.encoder.encode(events.get(i));
      byte[] raw = events.get(i).event().json().unsafeBytes();
      plain.writeIntBigEndian(models[i].length);
      plain.writeIntBigEndian(raw.length);
      plain.writeBytes(models[i], 0, models[i].length);
      plain.writeBytes(raw, 0, raw.length);
    }
    ByteOutput out = scratch.out;
    out.length = HEADER_BYTES;
    // Room for LZ4's worst case, so that the output never grows while compressing.
    out.ensureCapacity(
        HEADER_BYTES + Lz4Compressor.maxCompressedLength(plain.length) + TRAILER_BYTES);
    byte codec;
    if (compression == LuceneOptions.Compression.SMALL) {
      codec = DEFLATE_CODEC;
      deflate(plain, out);
    } else {
      codec = LZ4_CODEC;
      out.length = scratch.lz4.compress(plain.bytes, 0, plain.length, out.bytes, out.length);
    }
    int stored = out.length - HEADER_BYTES;
    ByteBuffer header = ByteBuffer.wrap(out.bytes, 0, HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    header.putInt(MAGIC).put(codec).putLong(batch).putInt(events.size());
    header.putInt(plain.length).putInt(stored);
    CRC32C crc = new CRC32C();
    crc.update(out.bytes, 0, out.length);
    out.writeIntBigEndian((int) crc.getValue());
    Built built = new Built(out.toArray(), models);
    if (plain.bytes.length > 4 * TARGET_BYTES || out.bytes.length > 4 * TARGET_BYTES) {
      SCRATCH.remove(); // a block of huge events: its buffers are not kept
    }
    return built;
  }

  /** Where a block's header holds its batch's number. */
  private static final int BATCH_AT = 4 + 1;

  /**
   * Sets the batch number of a block built before its batch was numbered, and its checksum anew:
   * the rest of the block is the same whatever the batch, so it is built before the append takes
   * its turn.
   */
  static void number(Built block, long batch) {
    byte[] bytes = block.bytes();
    ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).putLong(BATCH_AT, batch);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - TRAILER_BYTES);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.BIG_ENDIAN)
        .putInt(bytes.length - TRAILER_BYTES, (int) crc.getValue());
  }

  private static void deflate(ByteOutput plain, ByteOutput out) {
    Deflater deflater = new Deflater(6, true);
    try {
      deflater.setInput(plain.bytes, 0, plain.length);
      deflater.finish();
      byte[] chunk = new byte[16 * 1024];
      while (!deflater.finished()) {
        int n = deflater.deflate(chunk);
        out.writeBytes(chunk, 0, n);
      }
    } finally {
      deflater.end();
    }
  }

  /** A block's or batch record's header, read before the rest of it. */
  record Header(boolean record, byte codec, long batch, int events, int length, int storedLength) {
    /** The block's size on disk. */
    long size() {
      return (long) HEADER_BYTES + storedLength + TRAILER_BYTES;
    }
  }

  /** Reads a block's or batch record's header; null when it is neither (damage). */
  static Header header(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (b.remaining() < HEADER_BYTES) {
      return null;
    }
    int magic = b.getInt();
    if (magic != MAGIC && magic != RECORD_MAGIC) {
      return null;
    }
    Header h =
        new Header(magic == RECORD_MAGIC, b.get(), b.getLong(), b.getInt(), b.getInt(), b.getInt());
    boolean sane =
        (h.record()
                ? h.codec() == NO_CODEC && h.events() == 0 && h.length() == h.storedLength()
                : (h.codec() == LZ4_CODEC || h.codec() == DEFLATE_CODEC)
                    && h.events() >= 1
                    && h.events() <= MAX_EVENTS)
            && h.length() >= 0
            && h.length() <= MAX_LENGTH
            && h.storedLength() >= 0
            && h.storedLength() <= MAX_LENGTH;
    return sane ? h : null;
  }

  /** Whether a whole block (header, stored bytes, checksum) matches its checksum. */
  static boolean checksumMatches(byte[] block, int length) {
    if (length < HEADER_BYTES + TRAILER_BYTES) {
      return false;
    }
    CRC32C crc = new CRC32C();
    crc.update(block, 0, length - TRAILER_BYTES);
    int expected = ByteBuffer.wrap(block, length - TRAILER_BYTES, TRAILER_BYTES).getInt();
    return (int) crc.getValue() == expected;
  }

  /**
   * A block's events' models and raw JSON, by slot. An LZ4 block is decompressed only as far as the
   * slots asked for reach, since a search usually wants a few events of each block it touches. Not
   * thread-safe.
   */
  static final class Decoded {
    private final long batch;
    private final byte[] plain;

    /** The block's length: {@code plain} may be a longer buffer, reused. */
    private final int length;

    private final int[] starts;

    /** The source of the bytes not yet decompressed, empty once all are. */
    private final Optional<Lz4Decompressor> compressed;

    /** How many bytes of {@code plain} are decompressed. */
    private int produced;

    /** How many entries of {@code starts} are known. */
    private int located;

    private Decoded(
        long batch, byte[] plain, int length, int events, Optional<Lz4Decompressor> compressed) {
      this.batch = batch;
      this.plain = plain;
      this.length = length;
      this.starts = new int[events];
      this.compressed = compressed;
      this.produced = compressed.isPresent() ? 0 : length;
    }

    long batch() {
      return batch;
    }

    int events() {
      return starts.length;
    }

    /** The model bytes of the event in {@code slot}, copied. */
    byte[] model(int slot) throws IOException {
      int at = start(slot);
      int modelLength = intAt(at);
      byte[] model = new byte[modelLength];
      System.arraycopy(plain, at + 8, model, 0, modelLength);
      return model;
    }

    /** The raw JSON of the event in {@code slot}, copied. */
    RawJson raw(int slot) throws IOException {
      int at = start(slot);
      return RawJson.of(plain, at + 8 + intAt(at), intAt(at + 4));
    }

    /** The event in {@code slot}, its model decoded where it lies. */
    StoredEvent event(int slot) throws IOException {
      int at = start(slot);
      return EventCodec.decode(plain, at + 8, intAt(at), raw(slot));
    }

    /** Where the event in {@code slot} starts, its bytes decompressed. */
    private int start(int slot) throws IOException {
      if (slot < 0 || slot >= starts.length) {
        throw new IOException("no slot " + slot + " in a block of " + starts.length + " events");
      }
      while (located <= slot) {
        int at = located == 0 ? 0 : end(located - 1);
        starts[located] = at;
        located++;
        end(located - 1);
      }
      return starts[slot];
    }

    /** Where the event in a located slot ends, its bytes decompressed; checks the last one's. */
    private int end(int slot) throws IOException {
      int at = starts[slot];
      if (at + 8 > length) {
        throw new IOException("block ends inside event " + slot + " of " + starts.length);
      }
      decompress(at + 8);
      long modelLength = intAt(at);
      long rawLength = intAt(at + 4);
      long end = at + 8 + modelLength + rawLength;
      if (modelLength < 0 || rawLength < 0 || end > length) {
        throw new IOException("block ends inside event " + slot + " of " + starts.length);
      }
      if (slot == starts.length - 1 && end != length) {
        throw new IOException("block has " + (length - end) + " bytes after its last event");
      }
      decompress((int) end);
      return (int) end;
    }

    /** Decompresses at least the first {@code length} bytes. */
    private void decompress(int upTo) throws IOException {
      if (produced >= upTo) {
        return;
      }
      try {
        produced = compressed.orElseThrow().decompress(plain, produced, upTo, length);
      } catch (IOException e) {
        throw new IOException("block cannot be decompressed: " + e.getMessage(), e);
      }
      if (produced < upTo) {
        throw new IOException("block decompresses to " + produced + " bytes, not " + upTo);
      }
    }

    private int intAt(int at) {
      return ((plain[at] & 0xff) << 24)
          | ((plain[at + 1] & 0xff) << 16)
          | ((plain[at + 2] & 0xff) << 8)
          | (plain[at + 3] & 0xff);
    }
  }

  /**
   * A block whose checksum matched, ready to be decompressed as far as its events are read.
   *
   * @throws IOException when a deflated block's contents do not decompress
   */
  static Decoded decode(Header h, byte[] block) throws IOException {
    return decode(h, block, new byte[h.length()]);
  }

  /**
   * The same, decompressing into {@code plain} (at least the block's length): a reader of one block
   * after another reuses its buffers. The block and {@code plain} must then stay unchanged while
   * the result is read.
   */
  static Decoded decode(Header h, byte[] block, byte[] plain) throws IOException {
    if (plain.length < h.length()) {
      throw new IllegalArgumentException(
          "buffer of " + plain.length + " bytes for a block of " + h.length());
    }
    if (h.codec() == LZ4_CODEC) {
      return new Decoded(
          h.batch(),
          plain,
          h.length(),
          h.events(),
          Optional.of(new Lz4Decompressor(block, HEADER_BYTES, h.storedLength())));
    }
    try {
      Inflater inflater = new Inflater(true);
      try {
        inflater.setInput(block, HEADER_BYTES, h.storedLength());
        int n = 0;
        while (n < h.length() && !inflater.finished()) {
          int got = inflater.inflate(plain, n, h.length() - n);
          if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            break;
          }
          n += got;
        }
        if (n != h.length()) {
          throw new IOException("block decompresses to " + n + " bytes, not " + h.length());
        }
      } finally {
        inflater.end();
      }
    } catch (DataFormatException | RuntimeException e) {
      throw new IOException("block cannot be decompressed: " + e, e);
    }
    return new Decoded(h.batch(), plain, h.length(), h.events(), Optional.empty());
  }

  /**
   * What a batch record says: the batch's header, when it stored events, and the checkpoints
   * committed with it.
   */
  record BatchRecord(Optional<BatchHeader> header, Map<String, SourceCheckpoint> checkpoints) {}

  /** A batch record as it goes on disk. */
  static byte[] batchRecord(
      long batch, Optional<BatchHeader> header, Map<String, SourceCheckpoint> checkpoints) {
    ByteOutput payload = new ByteOutput(256);
    byte[] h = header.map(BatchHeader::encode).orElse(new byte[0]);
    payload.writeIntBigEndian(h.length);
    payload.writeBytes(h, 0, h.length);
    payload.writeIntBigEndian(checkpoints.size());
    for (Map.Entry<String, SourceCheckpoint> c : new TreeMap<>(checkpoints).entrySet()) {
      writeString(payload, c.getKey());
      writeString(payload, c.getValue().position());
    }
    ByteOutput out = new ByteOutput(HEADER_BYTES + payload.length + TRAILER_BYTES);
    ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
    head.putInt(RECORD_MAGIC).put(NO_CODEC).putLong(batch).putInt(0);
    head.putInt(payload.length).putInt(payload.length);
    out.writeBytes(head.array(), 0, HEADER_BYTES);
    out.writeBytes(payload.bytes, 0, payload.length);
    CRC32C crc = new CRC32C();
    crc.update(out.bytes, 0, out.length);
    out.writeIntBigEndian((int) crc.getValue());
    return out.toArray();
  }

  private static void writeString(ByteOutput out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeIntBigEndian(utf8.length);
    out.writeBytes(utf8, 0, utf8.length);
  }

  /** Reads a batch record whose checksum matched. */
  static BatchRecord decodeRecord(byte[] block) throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(block, HEADER_BYTES, block.length - HEADER_BYTES - TRAILER_BYTES);
    try {
      int headerLength = b.getInt();
      Optional<BatchHeader> header = Optional.empty();
      if (headerLength > 0) {
        byte[] h = new byte[headerLength];
        b.get(h);
        header = Optional.of(BatchHeader.decode(h));
      }
      int n = b.getInt();
      Map<String, SourceCheckpoint> checkpoints = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        checkpoints.put(readString(b), new SourceCheckpoint(readString(b)));
      }
      if (b.hasRemaining()) {
        throw new IOException("batch record has " + b.remaining() + " bytes after its end");
      }
      return new BatchRecord(header, checkpoints);
    } catch (RuntimeException e) {
      throw new IOException("batch record cannot be read: " + e, e);
    }
  }

  private static String readString(ByteBuffer b) {
    byte[] utf8 = new byte[b.getInt()];
    b.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static int readInt(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).getInt();
  }
}
