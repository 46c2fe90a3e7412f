package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage found by checksums: verify reports it before reading anything, and a failure while reading
 * is reported as the damage that caused it, while a failure of the code itself stays what it is.
 */
class StoreFilesTest {
  @TempDir Path tmp;

  private Path storeOfPlainFiles() throws IOException {
    Path dir = tmp.resolve("store");
    try (AuditStore store =
        LuceneStore.open(dir, StoreOptions.defaults(), d -> d, c -> c.setUseCompoundFile(false))) {
      for (int b = 0; b < 2; b++) {
        List<io.kubetrail.store.StoredEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          events.add(event("b" + b + "-" + i).at(b).extraField("x".repeat(200)).build());
        }
        store.append(Batch.of(events));
      }
    }
    return dir;
  }

  private static void flipMiddle(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
    }
  }

  @Test
  void verifyNamesTheDamagedFileAndItsBatchesBeforeReadingEvents() throws IOException {
    Path dir = storeOfPlainFiles();
    flipMiddle(dir.resolve("_0.fdt"));
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      VerifyResult result = store.verify();
      assertThat(result.ok()).isFalse();
      assertThat(result.eventsChecked()).isZero();
      assertThat(result.reason())
          .startsWith("the store is damaged: file _0.fdt (segment _0, holding batches 1 to 2)")
          .contains("does not match its checksum")
          .endsWith(StoreFiles.WHAT_TO_DO);
    }
  }

  @Test
  void aFailureWhileReadingIsReportedAsTheDamageBehindIt() throws IOException {
    Path dir = storeOfPlainFiles();
    flipMiddle(dir.resolve("_0.fdt"));
    RuntimeException decompression = new ArrayIndexOutOfBoundsException("as LZ4 throws");
    try (Directory d = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      IOException reported = StoreErrors.diagnose(dir, d, Optional.of(reader), decompression);
      assertThat(reported)
          .isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("file _0.fdt (segment _0, holding batches 1 to 2)")
          .hasCause(decompression);
      assertThat(StoreErrors.diagnose(dir, d, Optional.empty(), decompression))
          .isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining("file _0.fdt (segment _0)");
    }
  }

  @Test
  void aFailureOfAnIntactStoreIsNotCalledDamage() throws IOException {
    Path dir = storeOfPlainFiles();
    IllegalStateException bug = new IllegalStateException("a bug");
    IOException io = new IOException("disk went away");
    try (Directory d = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      assertThatThrownBy(() -> StoreErrors.diagnose(dir, d, Optional.of(reader), bug))
          .isSameAs(bug);
      assertThat(StoreErrors.diagnose(dir, d, Optional.of(reader), io))
          .isNotInstanceOf(StoreCorruptException.class)
          .hasMessageContaining("disk went away");
    }
  }
}
