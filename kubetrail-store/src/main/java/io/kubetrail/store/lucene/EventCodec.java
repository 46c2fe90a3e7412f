package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * The decoded fields of a stored event in a compact binary form, stored beside the raw JSON so that
 * reading an event back needs no JSON parsing. Maps are written in key order so that the same event
 * always encodes to the same bytes. The first byte is the format version.
 */
final class EventCodec {
  static final byte VERSION = 2;

  private EventCodec() {}

  static byte[] encode(StoredEvent stored) {
    return new Encoder().encode(stored);
  }

  /** Encodes events one after another into one reused buffer; not thread-safe. */
  static final class Encoder {
    private final ByteOutput out = new ByteOutput(1024);

    byte[] encode(StoredEvent stored) {
      out.length = 0;
      write(out, stored);
      return out.toArray();
    }
  }

  private static void write(DataOutput out, StoredEvent stored) {
    try {
      AuditEvent e = stored.event();
      out.writeByte(VERSION);
      out.writeString(stored.cluster());
      out.writeString(stored.name());
      writeInstant(out, stored.generatedTime());
      out.writeString(e.level().name());
      out.writeString(e.auditID());
      out.writeString(e.stage().name());
      out.writeString(e.requestURI());
      out.writeString(e.verb());
      writeUser(out, e.user());
      writeUser(out, e.impersonatedUser());
      writeStrings(out, e.sourceIPs());
      out.writeString(e.userAgent());
      if (e.objectRef().isPresent()) {
        ObjectReference r = e.objectRef().get();
        out.writeByte((byte) 1);
        out.writeString(r.resource());
        out.writeString(r.namespace());
        out.writeString(r.name());
        out.writeString(r.uid());
        out.writeString(r.apiGroup());
        out.writeString(r.apiVersion());
        out.writeString(r.resourceVersion());
        out.writeString(r.subresource());
      } else {
        out.writeByte((byte) 0);
      }
      if (e.responseCode().isPresent()) {
        out.writeByte((byte) 1);
        out.writeZInt(e.responseCode().getAsInt());
      } else {
        out.writeByte((byte) 0);
      }
      out.writeString(e.responseName());
      writeInstant(out, e.requestReceivedTimestamp());
      writeInstant(out, e.stageTimestamp());
      Map<String, String> annotations = e.annotations();
      out.writeVInt(annotations.size());
      for (String key : sortedKeys(annotations)) {
        out.writeString(key);
        out.writeString(annotations.get(key));
      }
    } catch (IOException e) {
      throw new AssertionError("writing to memory cannot fail", e);
    }
  }

  /**
   * Decodes an event written by {@link #encode}.
   *
   * @throws IOException when the bytes are not such an event (the store is damaged)
   */
  static StoredEvent decode(byte[] model, RawJson raw) throws IOException {
    return decode(model, 0, model.length, raw);
  }

  /** {@link #decode(byte[], RawJson)} of the {@code length} model bytes at {@code offset}. */
  static StoredEvent decode(byte[] bytes, int offset, int length, RawJson raw) throws IOException {
    ByteArrayDataInput in = new ByteArrayDataInput(bytes, offset, length);
    try {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IOException("unknown stored event format " + version + ", expected " + VERSION);
      }
      String cluster = in.readString();
      String name = in.readString();
      Instant generated = readInstant(in);
      Level level = Level.valueOf(in.readString());
      String auditID = in.readString();
      Stage stage = Stage.valueOf(in.readString());
      String requestURI = in.readString();
      String verb = in.readString();
      Optional<UserInfo> user = readUser(in);
      Optional<UserInfo> impersonated = readUser(in);
      List<String> sourceIPs = readStrings(in);
      String userAgent = in.readString();
      Optional<ObjectReference> ref = Optional.empty();
      if (in.readByte() == 1) {
        ref =
            Optional.of(
                new ObjectReference(
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString()));
      }
      OptionalInt code = in.readByte() == 1 ? code(in.readZInt()) : OptionalInt.empty();
      String responseName = in.readString();
      Instant received = readInstant(in);
      Instant stageTime = readInstant(in);
      int annotationCount = in.readVInt();
      Map<String, String> annotations = new TreeMap<>();
      for (int i = 0; i < annotationCount; i++) {
        annotations.put(in.readString(), in.readString());
      }
      if (in.getPosition() != offset + length) {
        throw new IOException(
            "stored event has " + (offset + length - in.getPosition()) + " trailing bytes");
      }
      AuditEvent event =
          new AuditEvent(
              level,
              auditID,
              stage,
              requestURI,
              verb,
              user,
              impersonated,
              sourceIPs,
              userAgent,
              ref,
              code,
              responseName,
              received,
              stageTime,
              annotations,
              raw);
      return new StoredEvent(cluster, name, generated, event);
    } catch (RuntimeException e) {
      // Bytes read past the end, unknown enum names, null checks: all mean damaged data.
      throw new IOException("stored event cannot be decoded: " + e, e);
    }
  }

  /** Response codes of HTTP's range, made once: every decoded event has one. */
  private static final OptionalInt[] CODES =
      IntStream.range(100, 600).mapToObj(OptionalInt::of).toArray(OptionalInt[]::new);

  private static OptionalInt code(int code) {
    return code >= 100 && code < 600 ? CODES[code - 100] : OptionalInt.of(code);
  }

  /** A map's keys in order: a sorted array, where a sorted copy of the map made more per event. */
  private static String[] sortedKeys(Map<String, ?> map) {
    String[] keys = map.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    return keys;
  }

  private static void writeInstant(DataOutput out, Instant t) throws IOException {
    out.writeZLong(t.getEpochSecond());
    out.writeVInt(t.getNano());
  }

  private static Instant readInstant(DataInput in) throws IOException {
    return Instant.ofEpochSecond(in.readZLong(), in.readVInt());
  }

  private static void writeStrings(DataOutput out, List<String> values) throws IOException {
    out.writeVInt(values.size());
    for (String v : values) {
      out.writeString(v);
    }
  }

  private static List<String> readStrings(DataInput in) throws IOException {
    int n = in.readVInt();
    List<String> values = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      values.add(in.readString());
    }
    return values;
  }

  private static void writeUser(DataOutput out, Optional<UserInfo> user) throws IOException {
    if (user.isEmpty()) {
      out.writeByte((byte) 0);
      return;
    }
    UserInfo u = user.get();
    out.writeByte((byte) 1);
    out.writeString(u.username());
    out.writeString(u.uid());
    writeStrings(out, u.groups());
    Map<String, List<String>> extra = u.extra();
    out.writeVInt(extra.size());
    for (String key : sortedKeys(extra)) {
      out.writeString(key);
      writeStrings(out, extra.get(key));
    }
  }

  private static Optional<UserInfo> readUser(DataInput in) throws IOException {
    if (in.readByte() == 0) {
      return Optional.empty();
    }
    String username = in.readString();
    String uid = in.readString();
    List<String> groups = readStrings(in);
    int n = in.readVInt();
    Map<String, List<String>> extra = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      extra.put(in.readString(), readStrings(in));
    }
    return Optional.of(new UserInfo(username, uid, groups, extra));
  }
}
