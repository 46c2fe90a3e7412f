/**
 * Forwarding: a collector that delivers its batches to a central kubetrail's webhook ({@link
 * io.kubetrail.collect.forward.ForwardingSink}) instead of a local store, for HA control planes
 * with one audit log per API server. Everything public here is API; other classes are
 * implementation details.
 */
package io.kubetrail.collect.forward;
