package io.kubetrail.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * An audit event as the store keeps it: the event, the cluster it came from, its enriched name and
 * the time kubetrail received it.
 *
 * @param cluster the cluster the event came from; never empty
 * @param name the enriched object name: {@code responseObject.metadata.name}, else {@code
 *     responseObject.details.name}, else {@code objectRef.name}, else {@code "-"}. It names the
 *     object of a create by {@code generateName}, whose {@code objectRef} has no name.
 * @param generatedTime when kubetrail received the event (not subject to the API server's clock)
 * @param event the audit event; its {@link AuditEvent#json() raw JSON} is kept byte for byte
 */
public record StoredEvent(String cluster, String name, Instant generatedTime, AuditEvent event) {

  /** JSON field added to the raw event for {@link #cluster()}. */
  public static final String CLUSTER_FIELD = "cluster";

  /** JSON field added to the raw event for {@link #name()}. */
  public static final String NAME_FIELD = "name";

  /** JSON field added to the raw event for {@link #generatedTime()}. */
  public static final String GENERATED_TIME_FIELD = "generated_time";

  private static final JsonFactory JSON = new JsonFactory();

  public StoredEvent {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(generatedTime, "generatedTime");
    Objects.requireNonNull(event, "event");
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
  }

  /** This event's identity: appending another event with the same identity stores nothing. */
  public Identity identity() {
    return new Identity(cluster, event.auditID(), event.stage(), event.requestReceivedTimestamp());
  }

  /** True when this event changed the cluster; see {@link AuditEvent#isChange()}. */
  public boolean isChange() {
    return event.isChange();
  }

  /**
   * Writes this event as a stored document: the raw event with the fields {@code cluster}, {@code
   * name} and {@code generated_time} added (replacing any top-level fields of the same names). The
   * raw event's other bytes are copied unchanged. Does not close {@code out}.
   *
   * @throws IllegalStateException when the raw event is not a JSON object
   */
  public void writeJson(OutputStream out) throws IOException {
    byte[] raw = event.json().unsafeBytes();
    out.write('{');
    boolean first = true;
    try (JsonParser p = JSON.createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException(
            "raw event " + event.auditID() + " is not a JSON object, cannot add stored fields");
      }
      JsonToken t = p.nextToken();
      while (t == JsonToken.FIELD_NAME) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String field = p.currentName();
        p.nextToken();
        p.skipChildren();
        t = p.nextToken();
        // A field ends where the next token starts, less the separating comma and whitespace;
        // copying bytes (not tokens) keeps numbers and escapes exactly as they were.
        int end = trimSeparator(raw, (int) p.currentTokenLocation().getByteOffset());
        if (!field.equals(CLUSTER_FIELD)
            && !field.equals(NAME_FIELD)
            && !field.equals(GENERATED_TIME_FIELD)) {
          if (!first) {
            out.write(',');
          }
          out.write(raw, start, end - start);
          first = false;
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new IllegalStateException("raw event " + event.auditID() + " is not a JSON object");
      }
    }
    if (!first) {
      out.write(',');
    }
    writeField(out, CLUSTER_FIELD, cluster);
    out.write(',');
    writeField(out, NAME_FIELD, name);
    out.write(',');
    writeField(out, GENERATED_TIME_FIELD, generatedTime.toString());
    out.write('}');
  }

  /** {@link #writeJson} into a new array. */
  public byte[] toJsonBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(event.json().length() + 128);
    try {
      writeJson(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@link #writeJson} as a string. */
  public String toJson() {
    return new String(toJsonBytes(), StandardCharsets.UTF_8);
  }

  private static int trimSeparator(byte[] raw, int nextTokenStart) {
    int end = nextTokenStart;
    while (end > 0 && isWhitespace(raw[end - 1])) {
      end--;
    }
    if (end > 0 && raw[end - 1] == ',') {
      end--;
      while (end > 0 && isWhitespace(raw[end - 1])) {
        end--;
      }
    }
    return end;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static void writeField(OutputStream out, String field, String value) throws IOException {
    out.write('"');
    out.write(field.getBytes(StandardCharsets.UTF_8));
    out.write('"');
    out.write(':');
    out.write('"');
    out.write(JsonStringEncoder.getInstance().quoteAsUTF8(value));
    out.write('"');
  }

  /**
   * The identity of a stored event.
   *
   * @param requestReceivedTimestamp compared at full precision
   */
  public record Identity(
      String cluster, String auditID, Stage stage, Instant requestReceivedTimestamp) {
    public Identity {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(auditID, "auditID");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(requestReceivedTimestamp, "requestReceivedTimestamp");
    }
  }
}
