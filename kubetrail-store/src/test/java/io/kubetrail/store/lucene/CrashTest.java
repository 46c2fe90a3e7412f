package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestSeed;
import io.kubetrail.store.VerifyResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a process that appends (as {@code kill -9} would) at random moments and at chosen points
 * around a commit, then reopens the store: it opens cleanly, every acknowledged batch is there, no
 * batch is there in part, the checkpoint matches the data, and the chain verifies.
 */
class CrashTest {
  @TempDir Path tmp;

  /**
   * Each round the child halts itself at a file operation the seed picks (or that many bytes into
   * the file it creates): inside an append, a flush, a merge, a commit or between them. Every
   * choice comes from the seed, so {@code -Dtests.seed} replays the same halts.
   */
  @Test
  void killedAtRandomMomentsLosesNothingAcknowledged() throws Exception {
    long seed = TestSeed.of("killedAtRandomMomentsLosesNothingAcknowledged");
    Random random = new Random(seed);
    Path dir = tmp.resolve("store");
    Set<Integer> acknowledged = new HashSet<>();
    int next = 0;
    for (int round = 0; round < 4; round++) {
      // A batch takes a few dozen file operations; the child has batches enough to reach any.
      long op = random.nextInt(600);
      long bytes = random.nextInt(100_000);
      String replay =
          String.format(
              "round %d, halting at file operation %d (+%d bytes); replay with -Dtests.seed=%d",
              round, op, bytes, seed);
      Process child =
          start(
              dir,
              seed,
              next,
              next + 10_000,
              "halt-at-op",
              Long.toString(op),
              Long.toString(bytes));
      List<Integer> acks = new CopyOnWriteArrayList<>();
      Thread reader = readAcks(child, acks);
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(replay).isTrue();
      reader.join();
      assertThat(child.exitValue())
          .as("%s; %s", replay, stderr(dir))
          .isEqualTo(CrashingAppender.HALT_STATUS);
      acknowledged.addAll(acks);
      System.out.println(replay + ": acknowledged " + acks);

      int newest = check(dir, seed, acknowledged, next - 1, replay);
      // A source resumes after its checkpoint.
      next = newest + 1;
    }
    assertThat(acknowledged).as("the child made progress (seed %d)", seed).isNotEmpty();
  }

  /**
   * Power loss, not only a killed process (which keeps the page cache): the child halts at a file
   * operation the seed picks, then every byte it had not synced is dropped, and every name it had
   * not made durable is lost or kept at random — in the index and in the block files. Then every
   * acknowledged batch is whole, none is there in part, the checkpoint matches, the chain verifies.
   */
  @Test
  void powerLossAtRandomMomentsLosesNothingAcknowledged() throws Exception {
    powerLossRounds(
        "powerLossAtRandomMomentsLosesNothingAcknowledged",
        "power-loss-at-op",
        "",
        (dir, seed, acknowledged, next, replay) ->
            check(dir, seed, acknowledged, next - 1, replay));
  }

  /** Checks the store after a round of power loss; returns the newest batch it holds. */
  @FunctionalInterface
  private interface RoundCheck {
    int check(Path dir, long seed, Set<Integer> acknowledged, int next, String replay)
        throws IOException;
  }

  /**
   * Four rounds: the child runs in {@code mode} from the batch after the newest stored until it
   * halts at a file operation the seed picks, what it had not synced is dropped, and {@code check}
   * checks the store. The child must have made progress.
   */
  private void powerLossRounds(String test, String mode, String how, RoundCheck check)
      throws Exception {
    long seed = TestSeed.of(test);
    Random random = new Random(seed);
    Path dir = tmp.resolve("store");
    Set<Integer> acknowledged = new HashSet<>();
    int next = 0;
    for (int round = 0; round < 4; round++) {
      long op = random.nextInt(600);
      long bytes = random.nextInt(100_000);
      String replay =
          String.format(
              "round %d, power lost at file operation %d (+%d bytes)%s; replay with"
                  + " -Dtests.seed=%d",
              round, op, bytes, how, seed);
      for (String line : runUntilPowerLoss(dir, seed, next, mode, op, bytes, random, replay)) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(Integer.parseInt(line.split(" ")[1]));
        }
      }
      next = check.check(dir, seed, acknowledged, next, replay) + 1;
    }
    assertThat(acknowledged).as("the child made progress (seed %d)", seed).isNotEmpty();
  }

  /**
   * Power loss while pruning too: the child prunes every third batch and halts at a file operation
   * the seed picks (in an append, in a prune's deletes and commit, or deleting a block file whose
   * batches were all pruned), then what it had not synced is dropped. Every batch an acknowledged
   * prune removed is gone, every other acknowledged batch is whole unless a prune cut short was
   * removing it (then it is whole or gone), none is there in part, and the chain verifies.
   */
  @Test
  void powerLossWhilePruningKeepsAcknowledgedBatchesAndPrunes() throws Exception {
    long seed = TestSeed.of("powerLossWhilePruningKeepsAcknowledgedBatchesAndPrunes");
    Random random = new Random(seed);
    Path dir = tmp.resolve("store");
    Set<Integer> acknowledged = new HashSet<>();
    // Every batch before prunedBefore was removed by an acknowledged prune; those before pruning
    // may have been removed by a prune the halt cut short.
    int prunedBefore = 0;
    int pruning = 0;
    int next = 0;
    for (int round = 0; round < 4; round++) {
      // Past the first few batches, so that every round has pruned before it halts.
      long op = 150 + random.nextInt(600);
      long bytes = random.nextInt(100_000);
      String replay =
          String.format(
              "round %d, power lost at file operation %d (+%d bytes) while pruning; replay with"
                  + " -Dtests.seed=%d",
              round, op, bytes, seed);
      List<String> lines =
          runUntilPowerLoss(dir, seed, next, "power-loss-pruning-at-op", op, bytes, random, replay);
      for (String line : lines) {
        String[] w = line.split(" ");
        switch (w[0]) {
          case "ACK" -> acknowledged.add(Integer.parseInt(w[1]));
          case "PRUNE" -> pruning = Math.max(pruning, Integer.parseInt(w[1]));
          case "PRUNED" -> prunedBefore = Math.max(prunedBefore, Integer.parseInt(w[1]));
          default -> {}
        }
      }
      next =
          checkPruned(
                  dir,
                  seed,
                  acknowledged,
                  prunedBefore,
                  pruning,
                  replay,
                  n -> CrashingAppender.SOURCE)
              + 1;
    }
    assertThat(prunedBefore)
        .as("an acknowledged prune removed batches (seed %d)", seed)
        .isPositive();
  }

  /**
   * Power loss while {@link CrashingAppender#APPENDERS} threads append at once, so that their
   * batches share syncs: every batch acknowledged to any thread is whole after the bytes not synced
   * are dropped, none is there in part, each thread's checkpoint is that of its newest batch
   * present, and the chain verifies. Which thread reaches the halting operation first varies, so
   * the seed replays a round only roughly.
   */
  @Test
  void powerLossWithConcurrentAppendersLosesNothingAcknowledged() throws Exception {
    powerLossRounds(
        "powerLossWithConcurrentAppendersLosesNothingAcknowledged",
        "power-loss-concurrent-at-op",
        " with concurrent appenders",
        (dir, seed, acknowledged, next, replay) ->
            checkPruned(dir, seed, acknowledged, 0, 0, replay, CrashingAppender::concurrentSource));
  }

  /**
   * Runs the child in a power-loss mode from batch {@code next} until it halts at file operation
   * {@code op}, then drops what it had not synced; returns every line it printed.
   */
  private List<String> runUntilPowerLoss(
      Path dir, long seed, int next, String mode, long op, long bytes, Random random, String replay)
      throws Exception {
    Path journal = CrashingAppender.journal(dir);
    Files.deleteIfExists(journal);
    Map<String, Long> durable = sizes(dir);
    Process child =
        start(dir, seed, next, next + 10_000, mode, Long.toString(op), Long.toString(bytes));
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = readLines(child, lines::add);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(replay).isTrue();
    reader.join();
    assertThat(child.exitValue())
        .as("%s; %s", replay, stderr(dir))
        .isEqualTo(CrashingAppender.HALT_STATUS);
    loseWhatWasNotSynced(dir, journal, durable, random);
    System.out.println(replay + ": " + lines);
    return lines;
  }

  /**
   * Opens a store the child pruned and checks it (see above), each source's checkpoint that of its
   * newest batch present ({@code sourceOf} names a batch's source); returns the newest batch
   * present, or -1 when none is.
   */
  private static int checkPruned(
      Path dir,
      long seed,
      Set<Integer> acknowledged,
      int prunedBefore,
      int pruning,
      String replay,
      IntFunction<String> sourceOf)
      throws IOException {
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      Set<String> present = auditIDs(store);
      int newest = -1;
      for (String id : present) {
        newest = Math.max(newest, Integer.parseInt(id.substring(1, id.indexOf('-'))));
      }
      int last = Math.max(newest, acknowledged.stream().max(Integer::compare).orElse(-1));
      long expectedTotal = 0;
      Map<String, Integer> newestOfSource = new HashMap<>();
      for (int n = 0; n <= last; n++) {
        List<StoredEvent> events = CrashingAppender.batch(seed, n).events();
        long found = events.stream().filter(e -> present.contains(e.event().auditID())).count();
        assertThat(found)
            .as("batch %s is all or nothing, %s", n, replay)
            .isIn(0L, (long) events.size());
        if (found > 0) {
          newestOfSource.put(sourceOf.apply(n), n);
        }
        if (n < prunedBefore) {
          assertThat(found).as("batch %s was pruned, %s", n, replay).isZero();
        } else if (acknowledged.contains(n) && n >= pruning) {
          assertThat(found).as("acknowledged batch %s, %s", n, replay).isEqualTo(events.size());
        }
        expectedTotal += found;
      }
      assertThat((long) present.size()).as(replay).isEqualTo(expectedTotal);
      for (Map.Entry<String, Integer> source : newestOfSource.entrySet()) {
        assertThat(store.checkpoints().get(source.getKey()))
            .as("checkpoint of %s, %s", source.getKey(), replay)
            .isEqualTo(new SourceCheckpoint(Integer.toString(source.getValue())));
      }
      VerifyResult verify = store.verify();
      assertThat(verify.ok()).as("%s, %s", verify, replay).isTrue();
      return newest;
    }
  }

  private static Set<String> auditIDs(AuditStore store) throws IOException {
    Set<String> present = new HashSet<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = store.search(EventQuery.all(), 5000, cursor);
      page.events().forEach(e -> present.add(e.event().auditID()));
      cursor = page.next();
    } while (cursor.isPresent());
    return present;
  }

  /** The files of a directory and their sizes; an absent directory has none. */
  private static Map<String, Long> sizes(Path dir) throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          sizes.put(f.getFileName().toString(), Files.size(f));
        }
      }
    }
    return sizes;
  }

  /** What the journal says of one file since the child started. */
  private static final class FileState {
    long synced;
    boolean nameDurable;
    String renamedFrom;

    FileState(long synced, boolean nameDurable) {
      this.synced = synced;
      this.nameDurable = nameDurable;
    }
  }

  /**
   * Does to the directory what a power loss right after the child's halt would have: a file keeps
   * only the bytes synced (those it had before the child started included); a name created or
   * renamed since the directory's last sync survives or not, at random.
   */
  private static void loseWhatWasNotSynced(
      Path dir, Path journal, Map<String, Long> durable, Random random) throws IOException {
    Map<String, FileState> files = new HashMap<>();
    durable.forEach((name, size) -> files.put(name, new FileState(size, true)));
    for (String line : Files.readAllLines(journal)) {
      String[] w = line.split(" ");
      switch (w[0]) {
        case "create" -> files.put(w[1], new FileState(0, false));
        case "sync" ->
            files.computeIfAbsent(w[1], n -> new FileState(0, false)).synced = Long.parseLong(w[2]);
        case "truncate" -> {
          FileState f = files.computeIfAbsent(w[1], n -> new FileState(0, true));
          f.synced = Math.min(f.synced, Long.parseLong(w[2]));
        }
        case "rename" -> {
          FileState f = files.remove(w[1]);
          if (f == null) {
            f = new FileState(0, false);
          }
          f.renamedFrom = w[1];
          f.nameDurable = false;
          files.put(w[2], f);
        }
        case "dirsync" ->
            files
                .values()
                .forEach(
                    f -> {
                      f.nameDurable = true;
                      f.renamedFrom = null;
                    });
        case "delete" -> files.remove(w[1]);
        default -> throw new IllegalStateException("journal line " + line);
      }
    }
    for (Map.Entry<String, FileState> e : new TreeMap<>(files).entrySet()) {
      Path path = dir.resolve(e.getKey());
      FileState f = e.getValue();
      if (!Files.exists(path)) {
        continue;
      }
      if (!f.nameDurable && random.nextBoolean()) {
        if (f.renamedFrom == null) {
          Files.delete(path);
          continue;
        }
        Path back = dir.resolve(f.renamedFrom);
        Files.move(path, back, StandardCopyOption.REPLACE_EXISTING);
        path = back;
      }
      if (Files.size(path) > f.synced) {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.WRITE)) {
          c.truncate(f.synced);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"halt-before-commit", "halt-mid-write", "halt-after-commit"})
  void crashAtAChosenPointOfACommit(String mode) throws Exception {
    long seed = TestSeed.of("crashAtAChosenPointOfACommit(" + mode + ")");
    Path dir = tmp.resolve("store");
    // Every commit writes more than this: a segment and the commit point.
    long haltAfter = new Random(seed).nextInt(2_000);
    Process child = start(dir, seed, 0, 3, mode, Long.toString(haltAfter));
    List<Integer> acks = new CopyOnWriteArrayList<>();
    Thread reader = readAcks(child, acks);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    reader.join();
    assertThat(child.exitValue()).as(stderr(dir)).isEqualTo(CrashingAppender.HALT_STATUS);
    assertThat(acks).containsExactly(0, 1, 2);

    boolean committed = mode.equals("halt-after-commit");
    int newest = check(dir, seed, new HashSet<>(acks), 2);
    assertThat(newest).isEqualTo(committed ? 3 : 2);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      Batch again = CrashingAppender.batch(seed, 3);
      assertThat(store.append(again).stored()).isEqualTo(committed ? 0 : again.events().size());
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void killedWhileCreatingTheStoreLeavesADirectoryThatOpens() throws Exception {
    long seed = TestSeed.of("killedWhileCreatingTheStoreLeavesADirectoryThatOpens");
    Path dir = tmp.resolve("store");
    Process child = start(dir, seed, 0, 3, "halt-creating");
    List<Integer> acks = new CopyOnWriteArrayList<>();
    Thread reader = readAcks(child, acks);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    reader.join();
    assertThat(child.exitValue()).as(stderr(dir)).isEqualTo(CrashingAppender.HALT_STATUS);
    assertThat(acks).isEmpty();
    assertThat(dir).isNotEmptyDirectory();

    assertThat(check(dir, seed, Set.of(), -1)).isEqualTo(-1);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      Batch first = CrashingAppender.batch(seed, 0);
      assertThat(store.append(first).stored()).isEqualTo(first.events().size());
    }
    assertThat(check(dir, seed, Set.of(0), -1)).isZero();
  }

  /**
   * Opens the store and checks it; returns the newest batch present (or {@code before} when none of
   * the batches after it is).
   */
  private static int check(Path dir, long seed, Set<Integer> acknowledged, int before)
      throws IOException {
    return check(dir, seed, acknowledged, before, "seed " + seed);
  }

  private static int check(
      Path dir, long seed, Set<Integer> acknowledged, int before, String replay)
      throws IOException {
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      Set<String> present = auditIDs(store);
      int newest = before;
      long expectedTotal = 0;
      for (int n = 0; ; n++) {
        List<StoredEvent> events = CrashingAppender.batch(seed, n).events();
        long found = events.stream().filter(e -> present.contains(e.event().auditID())).count();
        if (acknowledged.contains(n)) {
          assertThat(found).as("acknowledged batch %s, %s", n, replay).isEqualTo(events.size());
        }
        assertThat(found)
            .as("batch %s is all or nothing, %s", n, replay)
            .isIn(0L, (long) events.size());
        if (found == 0 && n > newest) {
          break;
        }
        newest = Math.max(newest, n);
        expectedTotal += found;
      }
      assertThat((long) present.size()).as(replay).isEqualTo(expectedTotal);
      SourceCheckpoint checkpoint = store.checkpoints().get(CrashingAppender.SOURCE);
      if (newest >= 0) {
        assertThat(checkpoint).as(replay).isEqualTo(new SourceCheckpoint(Integer.toString(newest)));
      }
      VerifyResult verify = store.verify();
      assertThat(verify.ok()).as("%s, %s", verify, replay).isTrue();
      return newest;
    }
  }

  private Process start(Path dir, long seed, int first, int last, String mode, String... more)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CrashingAppender.class.getName());
    command.add(dir.toString());
    command.add(Long.toString(seed));
    command.add(Integer.toString(first));
    command.add(Integer.toString(last));
    command.add(mode);
    command.addAll(List.of(more));
    return new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("child.err").toFile()))
        .start();
  }

  /** Hands each line the child prints to {@code lines}, on a thread of its own. */
  private static Thread readLines(Process child, Consumer<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // The child was killed; what it printed so far has been read.
              }
            },
            "crash-test-reader");
    t.start();
    return t;
  }

  private static Thread readAcks(Process child, List<Integer> acks) {
    return readLines(
        child,
        line -> {
          if (line.startsWith("ACK ")) {
            acks.add(Integer.parseInt(line.split(" ")[1]));
          }
        });
  }

  private String stderr(Path dir) {
    try {
      Path err = tmp.resolve("child.err");
      return "child stderr: " + (Files.exists(err) ? Files.readString(err) : "(none)");
    } catch (IOException e) {
      return "child stderr unreadable: " + e;
    }
  }
}
