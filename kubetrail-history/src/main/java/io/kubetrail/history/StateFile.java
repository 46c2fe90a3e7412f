package io.kubetrail.history;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The stored form of a snapshot or a checkpoint: a whole cluster state in one blob.
 *
 * <pre>
 * magic "KTSTATE\0" | format version (int) | kind (byte: 0 snapshot, 1 checkpoint)
 * at (long seconds, int nanos) | base snapshot id (UTF) | fingerprint (long) | source (UTF)
 * warnings (int n, n × UTF)
 * covered resource types (int n, n × [group, resource (UTF)]; since version 2)
 * objects (int n, n × [group, resource, namespace, name, resourceVersion, kind (UTF),
 *          modified (long seconds, int nanos), body (int length, bytes: compact JSON)])
 * CRC32C of every byte above (long)
 * </pre>
 *
 * <p>The store's {@link io.kubetrail.store.StateRepository} keeps it, written whole or not at all.
 * The format version changes whenever the layout or the body compression dictionary does; older or
 * newer versions are refused with a clear error, never misread.
 */
final class StateFile {
  static final byte[] MAGIC = {'K', 'T', 'S', 'T', 'A', 'T', 'E', 0};
  static final int VERSION = 2;

  /** Version 1 had no covered types: a snapshot of it covers the types of its objects. */
  static final int OLDEST_READABLE = 1;

  static final byte SNAPSHOT = 0;
  static final byte CHECKPOINT = 1;

  /** Everything before the objects. */
  record Header(
      byte kind,
      Instant at,
      String base,
      long fingerprint,
      String source,
      List<String> warnings,
      List<ResourceType> covers,
      int objectCount,
      int version) {

    /** A header to write, in the current format. */
    Header(
        byte kind,
        Instant at,
        String base,
        long fingerprint,
        String source,
        List<String> warnings,
        List<ResourceType> covers,
        int objectCount) {
      this(kind, at, base, fingerprint, source, warnings, covers, objectCount, VERSION);
    }
  }

  private StateFile() {}

  /** Writes a whole state to {@code sink}; the repository makes the write atomic and durable. */
  static void write(OutputStream sink, Header h, Collection<LiveObject> objects)
      throws IOException {
    CRC32C crc = new CRC32C();
    DataOutputStream out =
        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(sink, 1 << 16), crc));
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeByte(h.kind());
    writeInstant(out, h.at());
    out.writeUTF(h.base());
    out.writeLong(h.fingerprint());
    out.writeUTF(h.source());
    out.writeInt(h.warnings().size());
    for (String w : h.warnings()) {
      out.writeUTF(w);
    }
    out.writeInt(h.covers().size());
    for (ResourceType t : h.covers()) {
      out.writeUTF(t.group());
      out.writeUTF(t.resource());
    }
    out.writeInt(objects.size());
    for (LiveObject o : objects) {
      ResourceKey k = o.key();
      out.writeUTF(k.type().group());
      out.writeUTF(k.type().resource());
      out.writeUTF(k.namespace());
      out.writeUTF(k.name());
      out.writeUTF(o.resourceVersion());
      out.writeUTF(o.kind());
      writeInstant(out, o.modified());
      byte[] body = o.packed();
      out.writeInt(body.length);
      out.write(body);
    }
    out.flush();
    long sum = crc.getValue();
    out.writeLong(sum);
    out.flush();
  }

  /** The header at the start of a state; reads no further. */
  static Header readHeader(InputStream source, String file) throws IOException {
    try (DataInputStream in = open(source, new CRC32C())) {
      return header(file, in);
    } catch (EOFException e) {
      throw new HistoryFileException(file, "truncated file", e);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new HistoryFileException(file, "corrupt content: " + e.getMessage(), e);
    }
  }

  /** A whole file, checksum verified. */
  static ClusterState read(InputStream source, String file, Header[] headerOut) throws IOException {
    CRC32C crc = new CRC32C();
    try (DataInputStream in = open(source, crc)) {
      Header h = header(file, in);
      Map<ResourceKey, LiveObject> objects = new HashMap<>(Math.max(16, h.objectCount() * 4 / 3));
      Map<ResourceType, ResourceType> types = new HashMap<>();
      for (int i = 0; i < h.objectCount(); i++) {
        // Files written before replay keyed aliased groups canonically may hold either group.
        ResourceType t = new ResourceType(in.readUTF(), in.readUTF()).canonical();
        t = types.computeIfAbsent(t, x -> x);
        ResourceKey key = new ResourceKey(t, in.readUTF(), in.readUTF());
        String rv = in.readUTF();
        String kind = in.readUTF();
        Instant modified = readInstant(in);
        int len = in.readInt();
        if (len < 0 || len > (1 << 30)) {
          throw new HistoryFileException(file, "corrupt object length " + len + " at object " + i);
        }
        byte[] body = new byte[len];
        in.readFully(body);
        objects.put(key, new LiveObject(key, rv, kind, modified, body));
      }
      long expected = crc.getValue();
      long actual = in.readLong();
      if (expected != actual) {
        throw new HistoryFileException(
            file, "checksum mismatch (file damaged): expected " + expected + ", found " + actual);
      }
      if (in.read() != -1) {
        throw new HistoryFileException(file, "trailing bytes after the checksum (file damaged)");
      }
      if (h.version() < 2 && h.kind() == SNAPSHOT) {
        h = withCoverOf(h, objects.keySet());
      }
      if (headerOut != null) {
        headerOut[0] = h;
      }
      return new ClusterState(h.at(), objects, h.warnings());
    } catch (EOFException e) {
      throw new HistoryFileException(file, "truncated file", e);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new HistoryFileException(file, "corrupt content: " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(InputStream raw, CRC32C crc) {
    return new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc));
  }

  private static Header header(String file, DataInputStream in) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new HistoryFileException(file, "not a kubetrail state file (bad magic)");
    }
    int version = in.readInt();
    if (version < OLDEST_READABLE) {
      throw new HistoryFileException(
          file,
          "format version "
              + version
              + " is too old (this build reads "
              + OLDEST_READABLE
              + " to "
              + VERSION
              + ")");
    }
    if (version > VERSION) {
      throw new HistoryFileException(
          file,
          "format version "
              + version
              + " is too new (this build reads "
              + VERSION
              + "); use a newer kubetrail");
    }
    byte kind = in.readByte();
    if (kind != SNAPSHOT && kind != CHECKPOINT) {
      throw new HistoryFileException(file, "unknown state file kind " + kind);
    }
    Instant at = readInstant(in);
    String base = in.readUTF();
    long fingerprint = in.readLong();
    String source = in.readUTF();
    int nw = in.readInt();
    if (nw < 0 || nw > 10_000) {
      throw new HistoryFileException(file, "corrupt warning count " + nw);
    }
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < nw; i++) {
      warnings.add(in.readUTF());
    }
    List<ResourceType> covers = new ArrayList<>();
    if (version >= 2) {
      int nc = in.readInt();
      if (nc < 0 || nc > 100_000) {
        throw new HistoryFileException(file, "corrupt covered type count " + nc);
      }
      for (int i = 0; i < nc; i++) {
        covers.add(new ResourceType(in.readUTF(), in.readUTF()).canonical());
      }
    }
    int count = in.readInt();
    if (count < 0) {
      throw new HistoryFileException(file, "corrupt object count " + count);
    }
    return new Header(
        kind, at, base, fingerprint, source, List.copyOf(warnings), covers, count, version);
  }

  private static Header withCoverOf(Header h, Collection<ResourceKey> keys) {
    java.util.SortedSet<ResourceType> types = new java.util.TreeSet<>();
    keys.forEach(k -> types.add(k.type()));
    return new Header(
        h.kind(),
        h.at(),
        h.base(),
        h.fingerprint(),
        h.source(),
        h.warnings(),
        List.copyOf(types),
        h.objectCount(),
        h.version());
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    long s = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > 999_999_999) {
      throw new IllegalArgumentException("bad timestamp nanos " + n);
    }
    return Instant.ofEpochSecond(s, n);
  }
}
