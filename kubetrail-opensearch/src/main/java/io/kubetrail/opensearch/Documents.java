package io.kubetrail.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Stored events as documents and back. A document is {@link StoredEvent#writeJson} (the raw event
 * plus {@code cluster}, {@code name}, {@code generated_time}, as Calico stores it) with one more
 * field, {@code kubetrail}, holding what queries need exactly: batch and sequence numbers, times in
 * nanoseconds, the object the event is about and whether it changed the cluster.
 */
final class Documents {
  static final String HELPER = "kubetrail";
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final List<String> ADDED =
      List.of(
          StoredEvent.CLUSTER_FIELD,
          StoredEvent.NAME_FIELD,
          StoredEvent.GENERATED_TIME_FIELD,
          HELPER);

  private Documents() {}

  /** The document of an event in a batch. */
  static byte[] document(StoredEvent stored, long batch, long seq) {
    byte[] base = stored.toJsonBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(base.length + 400);
    out.write(base, 0, base.length - 1);
    out.write(',');
    out.writeBytes(("\"" + HELPER + "\":").getBytes(StandardCharsets.UTF_8));
    AuditEvent e = stored.event();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("batch", batch);
      g.writeNumberField("seq", seq);
      g.writeNumberField("received_us", micros(e.requestReceivedTimestamp()));
      g.writeNumberField("received_ns", nanos(e.requestReceivedTimestamp()));
      g.writeNumberField("stage_ns", nanos(e.stageTimestamp()));
      if (e.objectRef().isPresent()) {
        ObjectReference r = e.objectRef().get();
        g.writeStringField("group", r.apiGroup());
        g.writeStringField("resource", r.resource());
        g.writeStringField("subresource", r.subresource());
        g.writeStringField("namespace", r.namespace());
        g.writeStringField("ref_name", r.name());
      }
      ObjectKey.of(stored).ifPresent(k -> writeString(g, "object", objectTerm(k)));
      g.writeBooleanField("change", stored.isChange());
      g.writeBooleanField("dry_run", e.dryRun());
      if (e.authorizationDecision().isPresent()) {
        g.writeStringField("decision", e.authorizationDecision().get());
      }
      if (e.responseCode().isPresent()) {
        g.writeNumberField("code", e.responseCode().getAsInt());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new AssertionError("writing to memory cannot fail", ex);
    }
    out.write('}');
    return out.toByteArray();
  }

  private static void writeString(JsonGenerator g, String field, String value) {
    try {
      g.writeStringField(field, value);
    } catch (IOException ex) {
      throw new AssertionError("writing to memory cannot fail", ex);
    }
  }

  /** The one term that names an object, for history. */
  static String objectTerm(ObjectKey k) {
    // NUL cannot occur in Kubernetes names, so the parts cannot run into each other.
    return k.apiGroup() + '\0' + k.resource() + '\0' + k.namespace() + '\0' + k.name();
  }

  /** The document id: the identity, so that sending an event again overwrites nothing new. */
  static String id(StoredEvent e) {
    StoredEvent.Identity i = e.identity();
    String key =
        i.cluster() + '\0' + i.auditID() + '\0' + i.stage() + '\0' + i.requestReceivedTimestamp();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException ex) {
      throw new AssertionError("every JVM has SHA-256", ex);
    }
  }

  /** The daily index an event belongs in, after its requestReceivedTimestamp. */
  static String index(String prefix, StoredEvent e) {
    return prefix + "." + e.cluster() + "." + DAY.format(e.event().requestReceivedTimestamp());
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  /** Nanoseconds since the epoch, saturated at the ends of a long (for query bounds). */
  static long boundNanos(Instant t) {
    try {
      return nanos(t);
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Microseconds since the epoch, saturated at the ends of a long (for query bounds). */
  static long boundMicros(Instant t) {
    try {
      return micros(t);
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  /**
   * The stored event in a document.
   *
   * @throws IOException when the document is not one this store wrote
   */
  static StoredEvent event(byte[] doc) throws IOException {
    List<int[]> fields = new ArrayList<>();
    List<String> names = new ArrayList<>();
    String cluster = null;
    String name = null;
    String generated = null;
    try (JsonParser p = JSON.createParser(doc)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a stored document is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String field = p.currentName();
        p.nextToken();
        if (field.equals(StoredEvent.CLUSTER_FIELD)) {
          cluster = p.getValueAsString();
        } else if (field.equals(StoredEvent.NAME_FIELD)) {
          name = p.getValueAsString();
        } else if (field.equals(StoredEvent.GENERATED_TIME_FIELD)) {
          generated = p.getValueAsString();
        }
        p.skipChildren();
        fields.add(new int[] {start});
        names.add(field);
      }
    }
    int n = names.size();
    if (n < ADDED.size() || !names.subList(n - ADDED.size(), n).equals(ADDED)) {
      throw new IOException("a stored document does not end with the fields " + ADDED);
    }
    if (cluster == null || name == null || generated == null) {
      throw new IOException("a stored document lacks cluster, name or generated_time");
    }
    // The raw event is everything before the added fields, closed again.
    int end = fields.get(n - ADDED.size())[0];
    while (end > 0 && (doc[end - 1] == ',' || Character.isWhitespace(doc[end - 1]))) {
      end--;
    }
    byte[] raw = new byte[end + 1];
    System.arraycopy(doc, 0, raw, 0, end);
    raw[end] = '}';
    try {
      AuditEvent event = AuditEventReader.decode(raw, DecodeLimits.defaults());
      return new StoredEvent(cluster, name, Instant.parse(generated), event);
    } catch (AuditDecodeException | RuntimeException e) {
      throw new IOException("a stored document does not hold an audit event: " + e.getMessage(), e);
    }
  }
}
