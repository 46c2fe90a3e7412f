/**
 * The web UI: a page shell and its scripts and styles, served from the jar under {@code /ui/}. The
 * pages hold no data; their scripts read everything from the HTTP API under {@code /api/v1} with
 * the browser's session, so the UI shows exactly what the API lets the caller read.
 */
package io.kubetrail.server.ui;
