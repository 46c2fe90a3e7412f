package io.kubetrail.cloud;

import static io.kubetrail.cloud.CloudwatchEvents.BASE_MILLIS;
import static io.kubetrail.cloud.CloudwatchEvents.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EksCloudwatchSourceTest {
  @TempDir Path dir;
  private FakeCloudwatchLogs fake;
  private AuditStore store;

  @BeforeEach
  void start() throws Exception {
    fake = FakeCloudwatchLogs.start(CloudwatchEvents.GROUP, 7);
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    fake.close();
  }

  /** Runs the source on its own thread until {@code done}, then stops it. */
  private EksCloudwatchSource run(DeadLetters deadLetters, BooleanSupplier done) throws Exception {
    return run(CloudwatchEvents.fast(), deadLetters, done);
  }

  private EksCloudwatchSource run(
      EksCloudwatchSource.Options options, DeadLetters deadLetters, BooleanSupplier done)
      throws Exception {
    EksCloudwatchSource source =
        EksCloudwatchSource.of(
            CloudwatchEvents.config(fake.endpoint(), Optional.of(secret())), options);
    Pipeline pipeline = CloudwatchEvents.pipeline(store, deadLetters);
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                pipeline.run(source);
              } catch (Throwable e) {
                failure[0] = e;
              }
            });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean() && failure[0] == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    pipeline.stop();
    t.join();
    pipeline.close();
    assertThat(failure[0]).isNull();
    return source;
  }

  private Path secret() throws Exception {
    return Files.writeString(
        dir.resolve("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: tigera-eks-log-forwarder-secret}\n"
            + "data:\n  aws-id: QUtJQUVYQU1QTEU=\n  aws-key: c2VjcmV0\n");
  }

  private long stored() {
    try {
      return store.count(EventQuery.all());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void drainsEveryStreamBeyondTheFirstPageOfStreamsCompletely() throws Exception {
    int streams = 120; // more than DescribeLogStreams' 50 a page
    long n = 0;
    for (int s = 0; s < streams; s++) {
      fake.put(PREFIX + s, BASE_MILLIS + s, CloudwatchEvents.events(n, n + 25, BASE_MILLIS + s));
      n += 25;
    }
    fake.put("other-stream", BASE_MILLIS, CloudwatchEvents.events(100_000, 100_010, BASE_MILLIS));
    long total = n;
    // Many pages a stream, and one drain only: each stream is read to its end, not one page.
    EksCloudwatchSource source =
        run(
            CloudwatchEvents.fast(7).withFetchInterval(Duration.ofHours(1)),
            DeadLetters.NONE,
            () -> stored() >= total);
    assertThat(source.drains()).isEqualTo(1);
    assertThat(source.streams()).isEqualTo(streams);
    List<String> ids = CloudwatchEvents.storedIds(store);
    assertThat(new HashSet<>(ids)).hasSize(ids.size()).hasSize((int) total);
    // The stream without the prefix is not read.
    assertThat(ids).allMatch(id -> Long.parseLong(id.substring(3)) < total);
  }

  @Test
  void resumesAfterARestartWithNoGapAndNoDuplicate() throws Exception {
    fake.put(PREFIX + "a", BASE_MILLIS, CloudwatchEvents.events(0, 35, BASE_MILLIS));
    run(CloudwatchEvents.fast(10), DeadLetters.NONE, () -> stored() >= 35);
    // More events, some in the millisecond already read.
    fake.put(PREFIX + "a", BASE_MILLIS, CloudwatchEvents.events(35, 40, BASE_MILLIS));
    fake.put(PREFIX + "a", BASE_MILLIS + 1, CloudwatchEvents.events(40, 60, BASE_MILLIS + 1));
    fake.put(PREFIX + "b", BASE_MILLIS, CloudwatchEvents.events(60, 70, BASE_MILLIS));
    run(CloudwatchEvents.fast(10), DeadLetters.NONE, () -> stored() >= 70);
    List<String> ids = CloudwatchEvents.storedIds(store);
    assertThat(new HashSet<>(ids)).hasSize(70);
  }

  @Test
  void anExpiredTokenResumesFromTheLastEventsMillisecondWithoutDuplicates() throws Exception {
    fake.put(PREFIX + "a", BASE_MILLIS, CloudwatchEvents.events(0, 10, BASE_MILLIS));
    run(CloudwatchEvents.fast(4), DeadLetters.NONE, () -> stored() >= 10);
    fake.expireTokens();
    // Pages shorter than asked for: the events of the resumed millisecond span pages.
    fake.pageEvents(3);
    fake.put(PREFIX + "a", BASE_MILLIS, CloudwatchEvents.events(10, 13, BASE_MILLIS));
    fake.put(PREFIX + "a", BASE_MILLIS + 5, CloudwatchEvents.events(13, 20, BASE_MILLIS + 5));
    long[] duplicates = new long[1];
    EksCloudwatchSource source =
        EksCloudwatchSource.of(
            CloudwatchEvents.config(fake.endpoint(), Optional.of(secret())),
            CloudwatchEvents.fast());
    Pipeline pipeline = CloudwatchEvents.pipeline(store, DeadLetters.NONE);
    Thread t = new Thread(() -> runQuietly(pipeline, source));
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (stored() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100); // a few more drains: nothing read twice
    pipeline.stop();
    t.join();
    pipeline.close();
    duplicates[0] = pipeline.duplicates();
    assertThat(stored()).isEqualTo(20);
    assertThat(duplicates[0]).isZero();
  }

  private static void runQuietly(Pipeline pipeline, EksCloudwatchSource source) {
    try {
      pipeline.run(source);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void throttlingIsRetriedWithBackoff() throws Exception {
    for (int s = 0; s < 5; s++) {
      fake.put(
          PREFIX + s, BASE_MILLIS, CloudwatchEvents.events(s * 20L, s * 20L + 20, BASE_MILLIS));
    }
    fake.throttleNext(6);
    fake.throttle(0.3);
    EksCloudwatchSource source =
        run(CloudwatchEvents.fast(5), DeadLetters.NONE, () -> stored() >= 100);
    assertThat(source.throttled()).isGreaterThanOrEqualTo(6);
    assertThat(fake.throttledCalls()).isEqualTo(source.throttled());
    assertThat(new HashSet<>(CloudwatchEvents.storedIds(store))).hasSize(100);
  }

  @Test
  void truncatedAndBadMessagesGoToTheDeadLettersWithStreamAndTimestamp() throws Exception {
    Path letters = dir.resolve("dead.jsonl");
    String cut = CloudwatchEvents.event(1, BASE_MILLIS).substring(0, 120) + "[Truncated...]";
    List<String> messages = new ArrayList<>(CloudwatchEvents.events(0, 1, BASE_MILLIS));
    messages.add(cut);
    messages.add("{\"kind\":\"Event\"}");
    messages.addAll(CloudwatchEvents.events(3, 4, BASE_MILLIS));
    fake.put(PREFIX + "x", BASE_MILLIS, messages);
    run(
        DeadLetters.file(letters, Clock.systemUTC()),
        () -> stored() >= 2 && Files.exists(letters) && lines(letters).size() >= 2);
    List<String> lines = lines(letters);
    assertThat(lines).hasSize(2);
    JsonNode truncated = new ObjectMapper().readTree(lines.get(0));
    assertThat(truncated.get("position").asText())
        .isEqualTo("/aws/eks/demo/cluster/kube-apiserver-audit-x@2026-12-01T00:00:00Z:2");
    assertThat(truncated.get("reason").asText()).contains("[Truncated...]");
    assertThat(truncated.get("record").asText()).isEqualTo(cut);
    assertThat(new ObjectMapper().readTree(lines.get(1)).get("reason").asText())
        .contains("required field");
    assertThat(CloudwatchEvents.storedIds(store)).containsExactlyInAnyOrder("id-0", "id-3");
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return List.of();
    }
  }
}
