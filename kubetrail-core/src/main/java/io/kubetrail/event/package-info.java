/**
 * The audit event model and its decoding.
 *
 * <p>{@link io.kubetrail.event.AuditEvent} is an {@code audit.k8s.io/v1} Event: the fields
 * kubetrail reasons about, plus the event's raw JSON so that no field is ever lost. {@link
 * io.kubetrail.event.AuditEventReader} streams events out of JSON Lines files, {@code EventList}
 * documents, gzip files and standard input, converting {@code v1beta1} and {@code v1alpha1} events
 * to {@code v1} on the way, and reports every record it rejects with its source, line and reason.
 * Limits on untrusted input live in {@link io.kubetrail.event.DecodeLimits}.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.event;
