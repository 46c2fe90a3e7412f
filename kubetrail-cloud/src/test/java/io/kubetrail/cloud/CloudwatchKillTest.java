package io.kubetrail.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.ChildProcesses;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.TestSeed;
import io.kubetrail.store.VerifyResult;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a collector draining CloudWatch ({@code kill -9}) at random moments while the fake server's
 * streams grow (new events, sometimes in a millisecond already read; new streams; now and then
 * every token expired), starting it again each time; then lets it catch up. Every published event
 * must be stored exactly once: no gap, and no event read twice after a commit.
 *
 * <p>The seed is printed; {@code -Dtests.seed=N} repeats the kill moments and the publishing (the
 * interleaving with the child's reads is up to the scheduler). {@code -Dcloudwatch.kills} makes a
 * longer soak of it.
 */
class CloudwatchKillTest {
  @TempDir Path tmp;

  @Test
  void killedAtRandomMomentsStoresEveryPublishedEventOnce() throws Exception {
    long seed = TestSeed.of("killedAtRandomMomentsStoresEveryPublishedEventOnce");
    int kills = Integer.getInteger("cloudwatch.kills", 8);
    Random random = new Random(seed);
    Path store = tmp.resolve("store");
    Path secret =
        Files.writeString(
            tmp.resolve("secret.yaml"), "data: {aws-id: QUtJQUVYQU1QTEU=, aws-key: c2VjcmV0}\n");
    AtomicLong stored = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    long published;
    try (FakeCloudwatchLogs fake = FakeCloudwatchLogs.start(CloudwatchEvents.GROUP, seed)) {
      fake.pageEvents(1 + random.nextInt(50));
      fake.throttle(0.05);
      Publisher publisher = new Publisher(fake, new Random(random.nextLong()));
      Thread publishing = new Thread(publisher, "cloudwatch-kill-test-publisher");
      publishing.start();
      try {
        for (int kill = 0; kill < kills; kill++) {
          Process child = start(store, fake, secret);
          AtomicLong commits = new AtomicLong();
          Thread reader = readCommits(child, commits, stored, duplicates);
          int waitFor = kill == 0 ? 1 : random.nextInt(2);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (commits.get() < waitFor && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          Thread.sleep(random.nextInt(400));
          child.destroyForcibly();
          assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
          reader.join();
          if (random.nextInt(4) == 0) {
            fake.expireTokens(); // as after a day down: resumed by time
          }
        }
      } finally {
        publisher.stop = true;
        publishing.join();
      }
      assertThat(publisher.failure).isNull();
      System.out.println(
          "published "
              + publisher.published
              + " events in "
              + publisher.streams
              + " streams; "
              + kills
              + " kills; "
              + stored.get()
              + " stored by the killed collectors; "
              + fake.throttledCalls()
              + " calls throttled");
      assertThat(stored.get()).as("the killed collectors made progress").isPositive();

      Process last = start(store, fake, secret, Long.toString(publisher.published));
      Thread reader = readCommits(last, new AtomicLong(), stored, duplicates);
      assertThat(last.waitFor(300, TimeUnit.SECONDS)).as(stderr()).isTrue();
      reader.join();
      assertThat(last.exitValue()).as(stderr()).isZero();
      published = publisher.published;
    }
    try (AuditStore opened = LuceneAuditStore.open(store, StoreOptions.defaults())) {
      List<String> ids = CloudwatchEvents.storedIds(opened);
      Set<String> distinct = new HashSet<>(ids);
      assertThat(distinct).hasSize(ids.size());
      long count = opened.count(EventQuery.all());
      assertThat(count).isEqualTo(published);
      Set<String> expected = new HashSet<>();
      for (long n = 0; n < count; n++) {
        expected.add("id-" + n);
      }
      assertThat(distinct).as(stderr()).isEqualTo(expected);
      VerifyResult verify = opened.verify();
      assertThat(verify.ok()).as(verify.toString()).isTrue();
    }
    assertThat(duplicates.get()).as("events read again after their commit").isZero();
  }

  /** Publishes events into a growing set of streams until stopped. */
  private static final class Publisher implements Runnable {
    private final FakeCloudwatchLogs fake;
    private final Random random;
    volatile boolean stop;
    volatile long published;
    volatile int streams = 3;
    volatile Throwable failure;

    Publisher(FakeCloudwatchLogs fake, Random random) {
      this.fake = fake;
      this.random = random;
    }

    @Override
    public void run() {
      long millis = CloudwatchEvents.BASE_MILLIS;
      try {
        while (!stop) {
          if (random.nextInt(200) == 0) {
            streams++;
          }
          // Each stream's events in time order; a millisecond may hold several, across calls.
          millis += random.nextInt(3);
          String stream = CloudwatchEvents.PREFIX + random.nextInt(streams);
          int count = 1 + random.nextInt(10);
          long from = published;
          fake.put(stream, millis, CloudwatchEvents.events(from, from + count, millis));
          published = from + count;
          Thread.sleep(5);
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  private Process start(Path store, FakeCloudwatchLogs fake, Path secret, String... more)
      throws IOException {
    List<String> args =
        new ArrayList<>(List.of(store.toString(), fake.endpoint().toString(), secret.toString()));
    args.addAll(List.of(more));
    return ChildProcesses.startJava(CloudwatchChild.class, tmp.resolve("child.err"), args);
  }

  private static Thread readCommits(
      Process child, AtomicLong commits, AtomicLong stored, AtomicLong duplicates) {
    return ChildProcesses.readCommits(
        child,
        fields -> {
          commits.incrementAndGet();
          stored.addAndGet(Long.parseLong(fields[0]));
          duplicates.addAndGet(Long.parseLong(fields[1]));
        });
  }

  private String stderr() {
    return ChildProcesses.stderr(tmp.resolve("child.err"));
  }
}
