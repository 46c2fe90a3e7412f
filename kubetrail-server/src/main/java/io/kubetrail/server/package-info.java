/**
 * kubetrail's HTTP API under {@code /api/v1}: a thin adapter over the store, history and report
 * libraries, with authentication ({@link io.kubetrail.server.auth}), namespace scopes for viewers
 * and an access log of every read. Start one with {@link io.kubetrail.server.KubetrailServer}.
 */
package io.kubetrail.server;
