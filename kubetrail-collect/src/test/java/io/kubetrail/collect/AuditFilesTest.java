package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFilesTest {
  @TempDir Path dir;

  private List<String> names(List<Path> files) {
    return files.stream().map(p -> p.getFileName().toString()).toList();
  }

  private void touch(List<String> names) throws IOException {
    for (String name : names) {
      Files.writeString(dir.resolve(name), "{}\n");
    }
  }

  @Test
  void listsBackupsByRotationTimeThenTheActiveFile() throws IOException {
    List<String> expected =
        List.of(
            "kube-audit-2025-12-31T23-59-59.999.log.gz",
            "kube-audit-2026-01-01T00-00-00.000.log",
            "kube-audit-2026-01-01T10-00-00.000.log.gz",
            "kube-audit.log");
    List<String> shuffled = new java.util.ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    touch(shuffled);

    assertThat(names(AuditFiles.inRotationOrder(dir))).isEqualTo(expected);
  }

  @Test
  void listsTheBackupsOfOneLogOldestFirst() throws IOException {
    touch(
        List.of(
            "kube-audit-2026-01-01T10-00-00.000.log.gz",
            "kube-audit-2026-01-01T00-00-00.000.log",
            "kube-audit.log",
            "kube-audit.log.1",
            "other-2026-01-01T00-00-00.000.log",
            "kube-audit-2026-01-01T00-00-00.000.json"));

    assertThat(names(AuditFiles.backupsOf(dir.resolve("kube-audit.log"))))
        .containsExactly(
            "kube-audit-2026-01-01T00-00-00.000.log", "kube-audit-2026-01-01T10-00-00.000.log.gz");
    assertThat(AuditFiles.backupsOf(dir.resolve("absent.log"))).isEmpty();
  }

  @Test
  void ignoresUnrelatedFiles() throws IOException {
    touch(
        List.of(
            "kube-audit.log",
            "kube-audit.log.pos",
            "notes.txt",
            ".kube-audit.log.swp",
            ".hidden.log",
            "kube-audit.log.1"));
    Files.createDirectory(dir.resolve("old.log"));

    assertThat(names(AuditFiles.inRotationOrder(dir))).containsExactly("kube-audit.log");
  }

  @Test
  void keepsEachLogTogetherAndLogsInNameOrder() throws IOException {
    touch(
        List.of(
            "b.log",
            "a.log",
            "b-2026-01-01T00-00-00.000.log",
            "a-2026-01-02T00-00-00.000.log",
            "events.jsonl.gz",
            "export.json"));

    assertThat(names(AuditFiles.inRotationOrder(dir)))
        .containsExactly(
            "a-2026-01-02T00-00-00.000.log",
            "a.log",
            "b-2026-01-01T00-00-00.000.log",
            "b.log",
            "events.jsonl.gz",
            "export.json");
  }

  @Test
  void skipsABackupBeingCompressed() throws IOException {
    touch(
        List.of(
            "audit-2026-01-01T00-00-00.000.log",
            "audit-2026-01-01T00-00-00.000.log.gz",
            "audit.log"));

    assertThat(names(AuditFiles.inRotationOrder(dir)))
        .containsExactly("audit-2026-01-01T00-00-00.000.log", "audit.log");
  }

  @Test
  void expandKeepsNamedFilesAndOrdersDirectories() throws IOException {
    touch(List.of("audit.log", "audit-2026-01-01T00-00-00.000.log"));
    Path single = Files.writeString(dir.resolveSibling(dir.getFileName() + "-capture.txt"), "");
    try {
      assertThat(AuditFiles.expand(List.of(single, dir)))
          .containsExactly(
              single, dir.resolve("audit-2026-01-01T00-00-00.000.log"), dir.resolve("audit.log"));
    } finally {
      Files.delete(single);
    }
  }

  @Test
  void expandRejectsAMissingPath() {
    assertThatThrownBy(() -> AuditFiles.expand(List.of(dir.resolve("nope.log"))))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope.log");
  }
}
