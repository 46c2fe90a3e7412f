package io.kubetrail.cloud;

import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Audit events as EKS writes them to CloudWatch, and what the tests check them with. */
final class CloudwatchEvents {
  static final String GROUP = "/aws/eks/demo/cluster";
  static final String PREFIX = "kube-apiserver-audit-";
  static final long BASE_MILLIS = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  private CloudwatchEvents() {}

  /** Event number {@code n}, with auditID {@code id-n}. */
  static String event(long n, long millis) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
        + "\"auditID\":\"id-"
        + n
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/ns/configmaps/cm-"
        + n
        + "\",\"verb\":\"update\",\"user\":{\"username\":\"alice\"},\"objectRef\":{\"resource\":"
        + "\"configmaps\",\"namespace\":\"ns\",\"name\":\"cm-"
        + n
        + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},"
        + "\"requestReceivedTimestamp\":\""
        + Instant.ofEpochMilli(millis)
        + "\",\"stageTimestamp\":\""
        + Instant.ofEpochMilli(millis)
        + "\"}";
  }

  /** Events {@code from} to {@code to - 1}, all with one timestamp. */
  static List<String> events(long from, long to, long millis) {
    List<String> list = new ArrayList<>();
    for (long n = from; n < to; n++) {
      list.add(event(n, millis));
    }
    return list;
  }

  static CollectorConfig.EksCloudwatchLog config(
      URI endpoint, Optional<java.nio.file.Path> secret) {
    return new CollectorConfig.EksCloudwatchLog(
        "us-west-2", GROUP, PREFIX, 60, secret, Optional.of(endpoint));
  }

  static EksCloudwatchSource.Options fast() {
    return fast(EksCloudwatchSource.MAX_PAGE_EVENTS);
  }

  /** Drains every 20 ms, backs off from 5 ms to 50 ms, asks for {@code pageEvents} a call. */
  static EksCloudwatchSource.Options fast(int pageEvents) {
    return EksCloudwatchSource.Options.of(config(URI.create("http://127.0.0.1"), Optional.empty()))
        .withFetchInterval(Duration.ofMillis(20))
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .withPageEvents(pageEvents);
  }

  static Pipeline pipeline(AuditStore store, DeadLetters deadLetters) throws IOException {
    return new Pipeline(
        Sink.of(store),
        IngestOptions.builder().cluster("eks").build(),
        PipelineListener.NONE,
        deadLetters);
  }

  /** The auditIDs of every stored event. */
  static List<String> storedIds(AuditStore store) throws IOException {
    List<String> ids = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = store.search(EventQuery.all(), 5000, cursor);
      page.events().forEach(e -> ids.add(e.event().auditID()));
      cursor = page.next();
    } while (cursor.isPresent());
    return ids;
  }
}
