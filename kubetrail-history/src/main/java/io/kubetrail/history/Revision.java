package io.kubetrail.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to write an object, as its history lists it: a change that took effect, or a failed
 * or dry-run attempt (listed too, marked by {@link #kind()}: security teams want to see them).
 *
 * @param time the stage time of the request's last event
 * @param verb {@code create}, {@code update}, {@code patch}, {@code delete} or {@code
 *     deletecollection}
 * @param subresource the subresource written ({@code status}, ...), or empty
 * @param user who made the request (the authenticated user); empty when unknown
 * @param impersonatedUser whom the user acted as, or empty
 * @param responseCode the response code; 0 when the request never completed
 * @param resourceVersion the resourceVersion of the object the API server returned, else that of
 *     the request's {@code objectRef}; empty when neither is known
 * @param auditID the request's audit ID
 * @param kind {@link EventKind#CHANGE}, {@link EventKind#FAILED}, {@link EventKind#DRY_RUN} or
 *     {@link EventKind#INCOMPLETE}
 * @param note why a change left the object as it was, or why its result is unknown; empty otherwise
 * @param changed whether the object really changed: ignoring resourceVersion, managedFields,
 *     generation and timestamps that merely move
 * @param diff a unified diff of the object as YAML from the previous revision (for a dry run: from
 *     the object as it was to what the dry run returned), in the {@link DiffView} asked for; empty
 *     when there is nothing to compare
 */
public record Revision(
    Instant time,
    String verb,
    String subresource,
    String user,
    String impersonatedUser,
    int responseCode,
    String resourceVersion,
    String auditID,
    EventKind kind,
    String note,
    boolean changed,
    String diff) {

  public Revision {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(impersonatedUser, "impersonatedUser");
    Objects.requireNonNull(resourceVersion, "resourceVersion");
    Objects.requireNonNull(auditID, "auditID");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(diff, "diff");
  }
}
