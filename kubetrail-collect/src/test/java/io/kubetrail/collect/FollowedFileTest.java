package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FollowedFileTest {
  private static final String SCOPE = "cluster=test";

  @TempDir Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("kube-audit.log"), text);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  private static FollowedFile open(Path file) throws IOException {
    return FollowedFile.open(file).orElseThrow();
  }

  private static Optional<FileCheckpoint> none(String id) {
    return Optional.empty();
  }

  @Test
  void isNotThereUntilTheFileIs() throws IOException {
    assertThat(FollowedFile.open(dir.resolve("kube-audit.log"))).isEmpty();
  }

  @Test
  void readsUpToTheLastCompleteLineOnly() throws IOException {
    String lines = AuditLines.lines(0, 3);
    Path log = write(lines + "{\"kind\":");
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      assertThat(followed.completeEnd()).isEqualTo(lines.length());

      append(log, "\"Event\"");
      assertThat(followed.completeEnd()).isEqualTo(lines.length());
      append(log, "}\n");
      assertThat(followed.completeEnd())
          .isEqualTo(lines.length() + "{\"kind\":\"Event\"}\n".length());
    }
  }

  @Test
  void isKnownByItsFirstLineOnceItIsCompleteAsItsGzippedBackupIs() throws IOException {
    String first = AuditLines.get(0);
    Path log = write("\n" + first.substring(0, 30));
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isFalse();
      assertThat(followed.id()).isEmpty();

      append(log, first.substring(30) + "\n" + AuditLines.get(1) + "\n");
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      Path gz = dir.resolve("kube-audit-2026-01-01T00-00-00.000.log.gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
        Files.copy(log, out);
      }
      try (SourceInput backup = new SourceInput(Files.newInputStream(gz), 0)) {
        String backupId = FileCheckpoint.sourceId(SCOPE, backup.sniff().firstLine().orElseThrow());
        assertThat(followed.id()).contains(backupId);
      }
      assertThat(followed.id())
          .contains(FileCheckpoint.sourceId(SCOPE, first.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void resumesAtItsCheckpointOnlyWhenALineEndsThere() throws IOException {
    String lines = AuditLines.lines(0, 4);
    Path log = write(lines);
    int second = AuditLines.lines(0, 2).length();
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, id -> Optional.of(new FileCheckpoint(id, second, 2))))
          .isTrue();
      assertThat(followed.position()).isEqualTo(second);
      assertThat(followed.line()).isEqualTo(2);
    }
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, id -> Optional.of(new FileCheckpoint(id, second - 1, 2))))
          .isTrue();
      assertThat(followed.position()).isZero();
      assertThat(followed.line()).isZero();
    }
  }

  @Test
  void aLongBacklogIsTakenInPartsEachEndingAtALineEnd() throws IOException {
    StringBuilder text = new StringBuilder();
    while (text.length() < 3 * FollowedFile.MAX_READ) {
      text.append(AuditLines.lines(text.length(), 100));
    }
    Path log = write(text.toString());
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      long end = followed.completeEnd();
      assertThat(end)
          .isBetween(FollowedFile.MAX_READ - 64 * 1024, FollowedFile.MAX_READ + 64 * 1024);
      assertThat(text.charAt((int) end - 1)).isEqualTo('\n');
    }
  }

  @Test
  void aLineLongerThanOnePartIsTakenWhole() throws IOException {
    String longLine = "{\"x\":\"" + "x".repeat((int) FollowedFile.MAX_READ + 1000) + "\"}\n";
    Path log = write(longLine + AuditLines.get(0) + "\n{\"partial");
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      assertThat(followed.completeEnd())
          .isEqualTo(longLine.length() + AuditLines.get(0).length() + 1);
    }
  }

  @Test
  void seesAFileCutOrRewrittenUnderIt() throws IOException {
    Path log = write(AuditLines.lines(0, 5));
    try (FollowedFile followed = open(log)) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      assertThat(followed.rewritten()).isFalse();
      append(log, AuditLines.lines(5, 1));
      assertThat(followed.rewritten()).isFalse();

      // Overwritten in place with other lines, longer than before.
      Files.writeString(log, AuditLines.lines(100, 10));
      assertThat(followed.rewritten()).isTrue();
    }
    try (FollowedFile followed = open(log);
        Pipeline pipeline = discarding()) {
      assertThat(followed.identify(SCOPE, FollowedFileTest::none)).isTrue();
      SourceWriter writer = new SourceWriter(pipeline, "test", false);
      followed.read(
          new RecordReader(writer, DecodeLimits.defaults(), f -> {}), followed.completeEnd());
      assertThat(followed.line()).isEqualTo(10);
      assertThat(writer.pending()).isEqualTo(10);
      assertThat(followed.rewritten()).isFalse();
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
        channel.truncate(followed.position() / 2);
      }
      assertThat(followed.rewritten()).isTrue();
      writer.discard();
    }
  }

  /** A pipeline whose sink keeps nothing. */
  private static Pipeline discarding() throws IOException {
    Sink nothing =
        new Sink() {
          @Override
          public Map<String, SourceCheckpoint> checkpoints() {
            return Map.of();
          }

          @Override
          public AppendResult append(Batch batch) {
            return new AppendResult(batch.events().size(), 0, OptionalLong.empty());
          }
        };
    return new Pipeline(nothing, IngestOptions.defaults(), PipelineListener.NONE, DeadLetters.NONE);
  }

  @Test
  void knowsWhenThePathNamesAnotherFile() throws IOException {
    Path log = write(AuditLines.lines(0, 2));
    try (FollowedFile followed = open(log)) {
      assertThat(followed.moved()).isFalse();
      Files.move(log, dir.resolve("kube-audit-2026-01-01T00-00-00.000.log"));
      assertThat(followed.moved()).isTrue();
      write(AuditLines.lines(2, 2));
      assertThat(followed.moved()).isTrue();
    }
  }
}
