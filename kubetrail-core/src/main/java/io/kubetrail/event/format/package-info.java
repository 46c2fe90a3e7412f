/**
 * Audit events exported by managed control planes, whose API servers write no file anyone can read:
 * Google Kubernetes Engine's Cloud Logging entries and Azure Kubernetes Service's diagnostic
 * records, turned into {@code audit.k8s.io/v1} Events.
 *
 * <p>{@link io.kubetrail.event.format.RecordFormat} names the shape of a source's records and opens
 * a reader for it; {@code AUTO} tells each record's shape by itself, so one file may mix them.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.event.format;
