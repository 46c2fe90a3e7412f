package io.kubetrail.collect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Audit events as JSON Lines text, for tests. */
final class AuditLines {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private AuditLines() {}

  /** A v1 ResponseComplete {@code get} of pod {@code pod-<n>} in namespace {@code ns}. */
  static String get(int n) {
    return event("id-" + n, "get", "pods", "ns", "pod-" + n, 200, START.plusSeconds(n), "", "");
  }

  /** {@code count} different events, numbered from {@code from}, one per line. */
  static String lines(int from, int count) {
    StringBuilder text = new StringBuilder();
    for (int n = from; n < from + count; n++) {
      text.append(get(n)).append('\n');
    }
    return text.toString();
  }

  static List<String> list(int from, int count) {
    List<String> events = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      events.add(get(n));
    }
    return events;
  }

  static String event(
      String auditID,
      String verb,
      String resource,
      String namespace,
      String name,
      int code,
      Instant received,
      String requestObject,
      String responseObject) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\""
        + (responseObject.isEmpty() ? "Metadata" : "RequestResponse")
        + "\",\"auditID\":\""
        + auditID
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/"
        + namespace
        + "/"
        + resource
        + "/"
        + name
        + "\",\"verb\":\""
        + verb
        + "\",\"user\":{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]},"
        + "\"sourceIPs\":[\"10.0.0.1\"],\"userAgent\":\"kubectl/v1.31\","
        + "\"objectRef\":{\"resource\":\""
        + resource
        + "\",\"namespace\":\""
        + namespace
        + "\",\"name\":\""
        + name
        + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":"
        + code
        + "},"
        + (requestObject.isEmpty() ? "" : "\"requestObject\":" + requestObject + ",")
        + (responseObject.isEmpty() ? "" : "\"responseObject\":" + responseObject + ",")
        + "\"requestReceivedTimestamp\":\""
        + received
        + "\",\"stageTimestamp\":\""
        + received.plusMillis(5)
        + "\"}";
  }
}
