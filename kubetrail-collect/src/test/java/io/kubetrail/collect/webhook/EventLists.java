package io.kubetrail.collect.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Audit EventList bodies, as kube-apiserver's webhook sends them, for tests. */
final class EventLists {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private EventLists() {}

  /** A v1 ResponseComplete {@code get} of pod {@code pod-<n>}, without kind and apiVersion. */
  static String item(int n) {
    String t = START.plusSeconds(n).toString().replace("Z", ".000000Z");
    return "{\"level\":\"Metadata\",\"auditID\":\"id-"
        + n
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/ns/pods/pod-"
        + n
        + "\",\"verb\":\"get\",\"user\":{\"username\":\"alice\"},\"sourceIPs\":[\"10.0.0.1\"],"
        + "\"userAgent\":\"kubectl\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns\","
        + "\"name\":\"pod-"
        + n
        + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
        + "\"requestReceivedTimestamp\":\""
        + t
        + "\",\"stageTimestamp\":\""
        + t
        + "\"}";
  }

  /** The same event in v1beta1 form: {@code timestamp} and {@code metadata.creationTimestamp}. */
  static String v1beta1Item(int n) {
    String t = START.plusSeconds(n).toString();
    return "{\"metadata\":{\"creationTimestamp\":\""
        + t
        + "\"},\"level\":\"Metadata\",\"timestamp\":\""
        + t
        + "\",\"auditID\":\"id-"
        + n
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/ns/pods/pod-"
        + n
        + "\",\"verb\":\"get\",\"user\":{\"username\":\"alice\"},\"sourceIPs\":[\"10.0.0.1\"],"
        + "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"pod-"
        + n
        + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200}}";
  }

  static List<String> items(int from, int count) {
    List<String> items = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      items.add(item(n));
    }
    return items;
  }

  static String list(String apiVersion, List<String> items) {
    return "{\"kind\":\"EventList\",\"apiVersion\":\""
        + apiVersion
        + "\",\"metadata\":{},\"items\":["
        + String.join(",", items)
        + "]}";
  }

  /** A v1 EventList of {@code count} different events, numbered from {@code from}. */
  static String v1(int from, int count) {
    return list("audit.k8s.io/v1", items(from, count));
  }
}
