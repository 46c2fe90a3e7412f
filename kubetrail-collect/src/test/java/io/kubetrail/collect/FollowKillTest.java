package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.TestSeed;
import io.kubetrail.store.VerifyResult;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a collector following a log ({@code kill -9}) at random moments while the log is written at
 * a steady rate and rotated (renamed, sometimes gzipped), starting it again each time; then lets it
 * catch up. Every event written must be stored exactly once: no gap, and no batch stored twice.
 *
 * <p>The seed is printed; {@code -Dtests.seed=N} repeats the kill moments, rotation points and gzip
 * choices (the interleaving with the child's reads is up to the scheduler). {@code -Dfollow.kills},
 * {@code -Dfollow.rate} (events per second) and {@code -Dfollow.maxKillMillis} make a longer soak
 * of it ({@code bench/collect/soak.sh}).
 */
class FollowKillTest {
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  @TempDir Path tmp;

  @Test
  void killedAtRandomMomentsStoresEveryWrittenEventOnce() throws Exception {
    long seed = TestSeed.of("killedAtRandomMomentsStoresEveryWrittenEventOnce");
    int kills = Integer.getInteger("follow.kills", 10);
    int rate = Integer.getInteger("follow.rate", 500);
    int maxKillMillis = Integer.getInteger("follow.maxKillMillis", 600);
    Random random = new Random(seed);
    Path store = tmp.resolve("store");
    Path log = Files.createDirectories(tmp.resolve("logs")).resolve("kube-audit.log");
    AtomicLong stored = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    AtomicLong newest = new AtomicLong(-1);

    LogWriter writer = new LogWriter(log, new Random(random.nextLong()), rate);
    Thread writing = new Thread(writer, "follow-kill-test-writer");
    writing.start();
    try {
      for (int kill = 0; kill < kills; kill++) {
        Process child = start(store, log);
        AtomicLong commits = new AtomicLong();
        Thread reader = readCommits(child, commits, stored, duplicates, newest);
        // After a commit or none (while starting, opening the store or reading backups), then a
        // random moment more: while reading, appending, committing or idle between polls. The
        // first one commits, so that every run shows progress made between kills.
        int waitFor = kill == 0 ? 1 : random.nextInt(2);
        // One time in four, once it has caught up with the writer: killed while following, and
        // the backlog stays bounded however many kills there are.
        boolean catchUp = random.nextInt(4) == 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((commits.get() < waitFor || catchUp && newest.get() < writer.written - rate)
            && child.isAlive()
            && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(maxKillMillis));
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        reader.join();
      }
    } finally {
      writer.stop = true;
      writing.join();
    }
    assertThat(writer.failure).isNull();
    long written = writer.written;
    long storedBeforeKills = stored.get();
    System.out.println(
        "wrote "
            + written
            + " events in "
            + writer.rotations
            + " rotations; "
            + kills
            + " kills; "
            + storedBeforeKills
            + " stored by the killed collectors");
    assertThat(storedBeforeKills).as("the killed collectors made progress").isPositive();

    Process last = start(store, log, Long.toString(written));
    Thread reader = readCommits(last, new AtomicLong(), stored, duplicates, newest);
    assertThat(last.waitFor(300, TimeUnit.SECONDS)).as(stderr()).isTrue();
    reader.join();
    assertThat(last.exitValue()).as(stderr()).isZero();

    try (AuditStore opened = LuceneAuditStore.open(store, StoreOptions.defaults())) {
      List<String> ids = Following.storedIds(opened);
      Set<String> distinct = new HashSet<>(ids);
      assertThat(distinct).hasSize(ids.size());
      assertThat(ids).as(stderr()).containsExactlyElementsOf(Following.ids(0, (int) written));
      assertThat(opened.count(EventQuery.all())).isEqualTo(written);
      VerifyResult verify = opened.verify();
      assertThat(verify.ok()).as(verify.toString()).isTrue();
    }
    // A line stored before a kill was never read again after it: the checkpoints were exact.
    assertThat(duplicates.get()).as("events stored again").isZero();
  }

  /** Writes events at a steady rate, one write or two per line, rotating now and then. */
  private static final class LogWriter implements Runnable {
    private final Path log;
    private final Random random;
    private final int rate;
    volatile boolean stop;
    volatile long written;
    volatile int rotations;
    volatile Throwable failure;

    LogWriter(Path log, Random random, int rate) {
      this.log = log;
      this.random = random;
      this.rate = rate;
    }

    @Override
    public void run() {
      Instant backupTime = Instant.parse("2026-01-01T00:00:00Z");
      long start = System.nanoTime();
      int sinceRotation = 0;
      int rotateAfter = rate / 2 + random.nextInt(rate * 2);
      try {
        OutputStream out = open();
        while (!stop) {
          long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
          while (written < due) {
            byte[] line = (AuditLines.get((int) written) + "\n").getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(10) == 0) {
              int cut = 1 + random.nextInt(line.length - 1); // a reader may see half a line
              out.write(line, 0, cut);
              out.write(line, cut, line.length - cut);
            } else {
              out.write(line);
            }
            written++;
            if (++sinceRotation >= rotateAfter) {
              out.close();
              backupTime = backupTime.plusSeconds(1);
              Path backup =
                  log.resolveSibling("kube-audit-" + BACKUP_TIME.format(backupTime) + ".log");
              Files.move(log, backup);
              if (random.nextBoolean()) {
                gzip(backup);
              }
              rotations++;
              out = open();
              sinceRotation = 0;
              rotateAfter = rate / 2 + random.nextInt(rate * 2);
            }
          }
          Thread.sleep(5);
        }
        out.close();
      } catch (Throwable e) {
        failure = e;
      }
    }

    private OutputStream open() throws IOException {
      return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** As lumberjack compresses a backup: the .gz is written beside it, then the plain removed. */
    private static void gzip(Path file) throws IOException {
      Path gz = file.resolveSibling(file.getFileName() + ".gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
        Files.copy(file, out);
      }
      Files.delete(file);
    }
  }

  private Process start(Path store, Path log, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of(store.toString(), log.toString()));
    args.addAll(List.of(more));
    return ChildProcesses.startJava(FollowChild.class, tmp.resolve("child.err"), args);
  }

  private static Thread readCommits(
      Process child,
      AtomicLong commits,
      AtomicLong stored,
      AtomicLong duplicates,
      AtomicLong newest) {
    return ChildProcesses.readCommits(
        child,
        fields -> {
          commits.incrementAndGet();
          stored.addAndGet(Long.parseLong(fields[0]));
          duplicates.addAndGet(Long.parseLong(fields[1]));
          newest.accumulateAndGet(Long.parseLong(fields[2]), Math::max);
        });
  }

  private String stderr() {
    return ChildProcesses.stderr(tmp.resolve("child.err"));
  }
}
