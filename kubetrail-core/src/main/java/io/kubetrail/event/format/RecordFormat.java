package io.kubetrail.event.format;

import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a source's records.
 *
 * <ul>
 *   <li>{@link #AUDIT}: kube-apiserver's own Events and EventLists, read by {@link
 *       AuditEventReader} (the fastest path);
 *   <li>{@link #GKE}: Cloud Logging entries whose {@code protoPayload} is a {@code
 *       google.cloud.audit.AuditLog}, as {@code gcloud logging read} prints them (YAML or JSON) or
 *       a log sink writes them (JSON Lines);
 *   <li>{@link #AKS}: Azure diagnostic records of category {@code kube-audit} or {@code
 *       kube-audit-admin}, whose {@code properties.log} holds the Event as a JSON string or object,
 *       one per line or wrapped in {@code {"records": [...]}};
 *   <li>{@link #AUTO}: any of these, told apart record by record.
 * </ul>
 */
public enum RecordFormat {
  AUDIT,
  GKE,
  AKS,
  AUTO;

  /** The name users give, e.g. {@code gke}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format a user named.
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static RecordFormat parse(String text) {
    Objects.requireNonNull(text, "text");
    for (RecordFormat f : values()) {
      if (f.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown format '"
            + text
            + "' (allowed: "
            + Arrays.stream(values()).map(RecordFormat::label).collect(Collectors.joining(", "))
            + ")");
  }

  /**
   * Reads a stream of records of this format. The reader owns the stream and closes it. Rejected
   * records carry their line and why: a record of another shape, a field missing for the
   * conversion, or whatever the event itself breaks.
   *
   * @param sourceName how positions name this source
   */
  public AuditEventReader reader(InputStream in, String sourceName, DecodeLimits limits) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(limits, "limits");
    return this == AUDIT
        ? AuditEventReader.of(in, sourceName, limits)
        : new ExportReader(in, sourceName, limits, this);
  }
}
