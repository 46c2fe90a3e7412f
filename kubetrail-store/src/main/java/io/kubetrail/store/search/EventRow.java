package io.kubetrail.store.search;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.StoredEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * What a table or a timeline shows of one stored event: the same fields, named the same, in the
 * command line's {@code search} table and the HTTP API's search rows.
 *
 * @param time {@code requestReceivedTimestamp}
 * @param cluster the cluster the event came from
 * @param auditID the request's audit ID
 * @param stage the event's stage (its latest, when results show one line per request)
 * @param level the audit level
 * @param verb the request's verb
 * @param apiGroup {@code objectRef.apiGroup}; empty for the core group or without an objectRef
 * @param resource {@code objectRef.resource}; empty without an objectRef
 * @param subresource {@code objectRef.subresource}, or empty
 * @param namespace {@code objectRef.namespace}, or empty
 * @param name the enriched object name ({@code -} when there is none)
 * @param requestURI the request URI
 * @param resourceRequest whether the request is about objects (has an {@code objectRef}); the
 *     others ({@code /healthz}, {@code /version}) show their path instead of a resource
 * @param user the authenticated user, or empty
 * @param impersonatedUser whom the user acted as, or empty
 * @param responseCode the response code; 0 when the event has none (an early stage)
 * @param dryRun whether the request was a dry run
 * @param change whether the event changed the cluster
 */
public record EventRow(
    Instant time,
    String cluster,
    String auditID,
    String stage,
    String level,
    String verb,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name,
    String requestURI,
    boolean resourceRequest,
    String user,
    String impersonatedUser,
    int responseCode,
    boolean dryRun,
    boolean change) {

  /** The table's columns, in order; {@link #cells()} fills them. */
  public static final String[] COLUMNS = {
    "TIME", "CLUSTER", "VERB", "RESOURCE", "NAMESPACE/NAME", "USER", "CODE"
  };

  /**
   * The columns of a CSV export, in order, as its header names them; {@link #csvRecord()} fills
   * them. Every field of the row, raw: times in RFC 3339, an absent response code as empty.
   */
  public static final List<String> CSV_COLUMNS =
      List.of(
          "time",
          "cluster",
          "auditID",
          "stage",
          "level",
          "verb",
          "apiGroup",
          "resource",
          "subresource",
          "namespace",
          "name",
          "requestURI",
          "user",
          "impersonatedUser",
          "responseCode",
          "dryRun",
          "change");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public EventRow {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(auditID, "auditID");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(requestURI, "requestURI");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(impersonatedUser, "impersonatedUser");
  }

  public static EventRow of(StoredEvent stored) {
    AuditEvent e = stored.event();
    ObjectReference ref = e.objectRef().orElse(null);
    return new EventRow(
        e.requestReceivedTimestamp(),
        stored.cluster(),
        e.auditID(),
        e.stage().name(),
        e.level().name(),
        e.verb(),
        ref == null ? "" : ref.apiGroup(),
        ref == null ? "" : ref.resource(),
        ref == null ? "" : ref.subresource(),
        ref == null ? "" : ref.namespace(),
        stored.name(),
        e.requestURI(),
        ref != null,
        e.user().map(UserInfo::username).orElse(""),
        e.impersonatedUser().map(UserInfo::username).orElse(""),
        e.responseCode().orElse(0),
        e.dryRun(),
        stored.isChange());
  }

  /** The row as the table prints it, one cell per {@link #COLUMNS column}. */
  public String[] cells() {
    return new String[] {
      TIME.format(time), cluster, verb, resourceText(), objectText(), userText(), codeText()
    };
  }

  /**
   * {@code resource[.group][/subresource]} as kubectl names it; the request path for requests about
   * no object ({@code /healthz}).
   */
  public String resourceText() {
    if (!resourceRequest) {
      int query = requestURI.indexOf('?');
      return query < 0 ? requestURI : requestURI.substring(0, query);
    }
    return (resource.isEmpty() ? "<none>" : resource)
        + (apiGroup.isEmpty() ? "" : "." + apiGroup)
        + (subresource.isEmpty() ? "" : "/" + subresource);
  }

  /** {@code namespace/name}, or the name of a cluster-scoped object. */
  public String objectText() {
    if (!resourceRequest) {
      return "-";
    }
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** The user, and whom they acted as. */
  public String userText() {
    String u = user.isEmpty() ? "<none>" : user;
    return impersonatedUser.isEmpty() ? u : u + " (as " + impersonatedUser + ")";
  }

  /** The response code, or {@code <none>} for an event that has none. */
  public String codeText() {
    return responseCode == 0 ? "<none>" : Integer.toString(responseCode);
  }

  /** The CSV header line of {@link #CSV_COLUMNS}, ending with CRLF. */
  public static String csvHeader() {
    return CsvText.line(CSV_COLUMNS);
  }

  /** The row as one CSV record of {@link #CSV_COLUMNS} (RFC 4180), ending with CRLF. */
  public String csvRecord() {
    return CsvText.line(
        List.of(
            time.toString(),
            cluster,
            auditID,
            stage,
            level,
            verb,
            apiGroup,
            resource,
            subresource,
            namespace,
            name,
            requestURI,
            user,
            impersonatedUser,
            responseCode == 0 ? "" : Integer.toString(responseCode),
            Boolean.toString(dryRun),
            Boolean.toString(change)));
  }
}
