package io.kubetrail.collect;

import static io.kubetrail.collect.Following.await;
import static io.kubetrail.collect.Following.ids;
import static io.kubetrail.collect.Following.storedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.SourceGap;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FollowedFileSourceTest {
  private static final FollowedFileSource.Options FAST =
      FollowedFileSource.Options.defaults().withPoll(Duration.ofMillis(20));

  @TempDir Path dir;
  private Path log;
  private AuditStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
    Files.createDirectories(dir.resolve("logs"));
    log = dir.resolve("logs/kube-audit.log");
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  private Following follow(IngestOptions options) throws IOException {
    return new Following(store, options).start(FollowedFileSource.of(log, FAST));
  }

  private Following follow() throws IOException {
    return follow(IngestOptions.builder().build());
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** Renames the active file as lumberjack does; returns the backup. */
  private Path rotate(String time) throws IOException {
    return Files.move(log, log.resolveSibling("kube-audit-" + time + ".log"));
  }

  private static Path gzip(Path file) throws IOException {
    Path gz = file.resolveSibling(file.getFileName() + ".gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(file, out);
    }
    Files.delete(file);
    return gz;
  }

  @Test
  void readsWhatIsThereThenEachLineAsTheFileGrows() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
      for (int n = 10; n < 40; n += 5) {
        append(log, AuditLines.lines(n, 5));
        following.awaitStored(n + 5);
      }
      assertThat(following.pipeline.duplicates()).isZero();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 40));
  }

  @Test
  void aPartialLastLineIsReadOnceItIsComplete() throws Exception {
    String third = AuditLines.get(2);
    append(log, AuditLines.lines(0, 2) + third.substring(0, 100));
    try (Following following = follow()) {
      following.awaitStored(2);
      append(log, third.substring(100, 200));
      // Another poll or two sees the line still unfinished, and leaves it.
      Thread.sleep(100);
      assertThat(following.pipeline.stored()).isEqualTo(2);
      append(log, third.substring(200) + "\n");
      following.awaitStored(3);
      assertThat(following.rejections).isEmpty();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 3));
  }

  @Test
  void followsARenameRotationReadingTheOldFileToItsEnd() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
      append(log, AuditLines.lines(10, 5)); // written just before the rotation
      rotate("2026-01-01T00-00-00.000");
      append(log, AuditLines.lines(15, 10));
      following.awaitStored(25);
      append(log, AuditLines.lines(25, 5));
      following.awaitStored(30);
      assertThat(following.pipeline.duplicates()).isZero();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 30));
  }

  @Test
  void rotationsWithGzipAndRemovedBackupsLoseAndRepeatNothing() throws Exception {
    List<Path> backups = new ArrayList<>();
    try (Following following = follow()) {
      int n = 0;
      for (int rotation = 0; rotation < 5; rotation++) {
        append(log, AuditLines.lines(n, 8));
        n += 8;
        following.awaitStored(n - 4); // sometimes caught up, sometimes not
        append(log, AuditLines.lines(n, 2));
        n += 2;
        Path backup = rotate("2026-01-01T00-00-0" + rotation + ".000");
        backups.add(gzip(backup));
        if (backups.size() > 2) {
          Files.delete(backups.remove(0)); // --audit-log-maxbackup=2
        }
      }
      append(log, AuditLines.lines(n, 3));
      following.awaitStored(n + 3);
      assertThat(following.pipeline.duplicates()).isZero();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 53));

    // Started again: the gzipped backups and the active file are each where they were left.
    try (Following again = follow()) {
      append(log, AuditLines.lines(53, 2));
      again.awaitStored(2);
      assertThat(again.pipeline.duplicates()).isZero();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 55));
  }

  @Test
  void readsTheBackupsThereOnStartOldestFirstThenTheActiveFile() throws Exception {
    Files.writeString(
        log.resolveSibling("kube-audit-2026-01-01T00-00-00.000.log"), AuditLines.lines(0, 5));
    gzip(
        Files.writeString(
            log.resolveSibling("kube-audit-2026-01-01T01-00-00.000.log"), AuditLines.lines(5, 5)));
    Files.writeString(log.resolveSibling("other-2026-01-01T00-00-00.000.log"), "not ours\n");
    append(log, AuditLines.lines(10, 5));

    try (Following following = follow()) {
      following.awaitStored(15);
      assertThat(following.committedIds).containsExactlyElementsOf(ids(0, 15));
      assertThat(following.rejections).isEmpty();
    }
  }

  @Test
  void copyTruncateFinishesFromTheCopyThenReadsTheFileFromItsStart() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
      // logrotate's copytruncate: lines written before the copy and not read yet are in the copy.
      append(log, AuditLines.lines(10, 5));
      Files.copy(log, log.resolveSibling("kube-audit.log.1"));
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      append(log, AuditLines.lines(15, 3));
      following.awaitStored(18);
      append(log, AuditLines.lines(18, 2));
      following.awaitStored(20);
      assertThat(following.pipeline.duplicates()).isZero();
      assertThat(following.rejections).isEmpty();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 20));
  }

  @Test
  void aTruncationWithoutACopyIsReportedAndTheFileReadAgain() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      append(log, AuditLines.lines(10, 3));
      following.awaitStored(13);
      assertThat(following.rejections)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(log.toString() + ":11")
          .contains("truncated");
    }
    // Kept with the events, for reports over that time to warn of.
    List<SourceGap> gaps = SourceGap.of("default", store.checkpoints());
    assertThat(gaps)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.source()).isEqualTo("file:" + log);
              assertThat(g.from()).isEqualTo(Instant.parse("2026-01-01T00:00:09.005Z"));
              assertThat(g.reason()).contains("truncated", "line 10");
            });
  }

  @Test
  void waitsForAFileThatDoesNotExistYet() throws Exception {
    try (Following following = follow()) {
      Thread.sleep(60);
      append(log, AuditLines.get(0).substring(0, 50)); // not yet a whole first line
      Thread.sleep(60);
      append(log, AuditLines.get(0).substring(50) + "\n" + AuditLines.lines(1, 4));
      following.awaitStored(5);
      assertThat(following.rejections).isEmpty();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 5));
  }

  @Test
  void takesLinesOfAnyLengthUpToTheLimit() throws Exception {
    // Fluent Bit's tail abandoned the file at the first line over 32 KB.
    String big = "{\"data\":{\"blob\":\"" + "x".repeat(100_000) + "\"}}";
    StringBuilder text = new StringBuilder();
    for (int n = 0; n < 6; n++) {
      text.append(event(n, big)).append('\n').append(AuditLines.get(100 + n)).append('\n');
    }
    append(log, text.substring(0, 150_000)); // ends inside a long line
    try (Following following = follow()) {
      following.awaitStored(2);
      append(log, text.substring(150_000));
      following.awaitStored(12);
      assertThat(following.rejections).isEmpty();
    }
    assertThat(storedIds(store)).hasSize(12).contains("big-0", "big-5", "id-105");
  }

  @Test
  void aLineOverTheLimitIsRejectedNamingTheSettingAndReadingGoesOn() throws Exception {
    String big = "{\"data\":{\"blob\":\"" + "x".repeat(5_000) + "\"}}";
    append(log, AuditLines.get(0) + "\n" + event(0, big) + "\n" + AuditLines.get(1) + "\n");
    IngestOptions options =
        IngestOptions.builder().limits(DecodeLimits.builder().maxLineBytes(4_000).build()).build();
    try (Following following = follow(options)) {
      following.awaitStored(2);
      append(log, AuditLines.lines(2, 3));
      following.awaitStored(5);
      assertThat(following.rejections)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(log + ":2")
          .contains("4000")
          .contains(DecodeLimits.MAX_LINE_BYTES_SETTING);
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 5));
  }

  @Test
  void aRestartResumesWithNoDuplicateAndNoGap() throws Exception {
    append(log, AuditLines.lines(0, 20));
    try (Following following = follow()) {
      following.awaitStored(20);
    }
    append(log, AuditLines.lines(20, 5)); // written while it was down
    try (Following following = follow()) {
      following.awaitStored(5);
      append(log, AuditLines.lines(25, 5));
      following.awaitStored(10);
      assertThat(following.pipeline.duplicates()).isZero();
    }
    assertThat(storedIds(store)).containsExactlyElementsOf(ids(0, 30));
  }

  @Test
  void aRotationWhileStoppedIsFinishedFromTheBackupOnRestart() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
    }
    append(log, AuditLines.lines(10, 5)); // never read before the rotation
    gzip(rotate("2026-01-01T00-00-00.000"));
    append(log, AuditLines.lines(15, 5));

    try (Following following = follow()) {
      following.awaitStored(10);
      assertThat(following.pipeline.duplicates()).isZero();
      assertThat(following.committedIds).containsExactlyElementsOf(ids(10, 10));
    }
  }

  @Test
  void aCopyTruncateWhileStoppedIsFinishedFromTheCopyOnRestart() throws Exception {
    append(log, AuditLines.lines(0, 10));
    try (Following following = follow()) {
      following.awaitStored(10);
    }
    append(log, AuditLines.lines(10, 5));
    gzip(Files.copy(log, log.resolveSibling("kube-audit.log.1")));
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
    append(log, AuditLines.lines(15, 5));
    Files.writeString(log.resolveSibling("kube-audit.log.2"), AuditLines.lines(1000, 3));

    try (Following following = follow()) {
      following.awaitStored(10);
      assertThat(following.pipeline.duplicates()).isZero();
      assertThat(following.committedIds).containsExactlyElementsOf(ids(10, 10));
    }
  }

  @Test
  void followsOneLogPerApiServerInOnePipeline() throws Exception {
    Path other = log.resolveSibling("kube-audit-node2.log");
    append(log, AuditLines.lines(0, 5));
    append(other, AuditLines.lines(100, 5));
    try (Following following =
        new Following(store, IngestOptions.builder().build())
            .start(FollowedFileSource.of(log, FAST))
            .start(FollowedFileSource.of(other, FAST))) {
      following.awaitStored(10);
      append(other, AuditLines.lines(105, 5));
      append(log, AuditLines.lines(5, 5));
      following.awaitStored(20);
    }
    List<String> expected = new ArrayList<>(ids(0, 10));
    expected.addAll(ids(100, 10));
    assertThat(storedIds(store)).containsExactlyElementsOf(expected);
  }

  @Test
  void aFileThatCannotBeReadIsReportedOnceAndTriedAgain() throws Exception {
    Files.createDirectories(log); // a directory where the log should be: every read fails
    FollowedFileSource.Options retryFast = FAST.withRetryPause(Duration.ofMillis(20));
    try (Following following =
        new Following(store, IngestOptions.builder().build())
            .start(FollowedFileSource.of(log, retryFast))) {
      await("a rejection", () -> !following.rejections.isEmpty());
      Thread.sleep(100); // several more failed tries, the same failure
      Files.delete(log);
      append(log, AuditLines.lines(0, 3));
      following.awaitStored(3);
      assertThat(following.rejections)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith(log + ":1 cannot read on: ")
          .contains("trying again every 20 ms");
    }
  }

  @Test
  void stopsPromptlyWhileWaiting() throws Exception {
    Following following =
        new Following(store, IngestOptions.builder().build())
            .start(FollowedFileSource.of(log)); // the default poll, and no file yet
    Thread.sleep(50);
    assertThat(following.stop(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void namesItselfByItsPathAndRejectsBadOptions() {
    assertThat(FollowedFileSource.of(log).name()).isEqualTo("file:" + log);
    assertThatThrownBy(() -> FollowedFileSource.Options.defaults().withPoll(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poll");
  }

  private static String event(int n, String responseObject) {
    return AuditLines.event(
        "big-" + n,
        "create",
        "configmaps",
        "ns",
        "cm-" + n,
        201,
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n),
        "",
        responseObject);
  }
}
