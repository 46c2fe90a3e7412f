package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.T0;
import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreLockedException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the embedded store beyond the contract: opening, locking, damage, odd values. */
class LuceneStoreTest {
  @TempDir Path tmp;

  private static final StoreOptions READ_ONLY = StoreOptions.builder().readOnly(true).build();

  /** The reader's count once it is {@code expected}, or after twice the commit interval. */
  private static long countWithin(AuditStore reader, long expected) throws Exception {
    long deadline = System.nanoTime() + 2 * Indexer.COMMIT_INTERVAL.toNanos();
    long count = reader.count(EventQuery.all());
    while (count != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      count = reader.count(EventQuery.all());
    }
    return count;
  }

  @Test
  void onlyOneWriterAtATime() throws IOException {
    Path dir = tmp.resolve("store");
    try (AuditStore first = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      assertThat(first.count(EventQuery.all())).isZero();
      assertThatThrownBy(() -> LuceneAuditStore.open(dir, StoreOptions.defaults()))
          .isInstanceOf(StoreLockedException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("another process")
          .hasMessageContaining("read-only");
    }
    // Released on close.
    LuceneAuditStore.open(dir, StoreOptions.defaults()).close();
  }

  /**
   * Another process sees a batch once the writer commits its index: within {@link
   * Indexer#COMMIT_INTERVAL} of the append, or at once when the writer's own process is done.
   */
  @Test
  void aReadOnlyStoreSearchesWhileAnotherAppends() throws Exception {
    Path dir = tmp.resolve("store");
    try (AuditStore writer = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      writer.append(Batch.of(List.of(event("a").build())));
      try (AuditStore reader = LuceneAuditStore.open(dir, READ_ONLY)) {
        assertThat(countWithin(reader, 1)).isEqualTo(1);
        writer.append(Batch.of(List.of(event("b").at(1).build())));
        assertThat(countWithin(reader, 2)).isEqualTo(2);
        assertThat(reader.verify().ok()).isTrue();
        assertThatThrownBy(() -> reader.append(Batch.of(List.of(event("c").build()))))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("read-only");
        assertThatThrownBy(() -> reader.prune(T0))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("read-only");
      }
    }
  }

  /**
   * A read-only store whose directory has not changed for a while takes it as settled and stops
   * listing it at every search, and still sees the next commit: a commit creates a file, which
   * changes the directory's modification time.
   */
  @Test
  void aReadOnlyStoreOfASettledDirectorySeesTheNextCommit() throws Exception {
    Path dir = tmp.resolve("store");
    try (AuditStore writer = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      writer.append(Batch.of(List.of(event("a").build())));
      try (AuditStore reader = LuceneAuditStore.open(dir, READ_ONLY)) {
        assertThat(countWithin(reader, 1)).isEqualTo(1);
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(reader.count(EventQuery.all())).isEqualTo(1);
        assertThat(reader.count(EventQuery.all())).isEqualTo(1);
        writer.append(Batch.of(List.of(event("b").at(1).build())));
        assertThat(countWithin(reader, 2)).isEqualTo(2);
      }
    }
  }

  @Test
  void aReadOnlyStoreMustExist() throws IOException {
    Path missing = tmp.resolve("missing");
    assertThatThrownBy(() -> LuceneAuditStore.open(missing, READ_ONLY))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no store");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> LuceneAuditStore.open(empty, READ_ONLY))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no store");
  }

  @Test
  void aDirectoryWithOtherFilesIsNotTakenOver() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(dir.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> LuceneAuditStore.open(dir, StoreOptions.defaults()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("not empty");
    assertThat(dir.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void aLuceneIndexThatIsNotAStoreIsRefused() throws IOException {
    Path dir = tmp.resolve("other");
    try (FSDirectory d = FSDirectory.open(dir);
        IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new StringField("f", "v", Field.Store.YES));
      w.addDocument(doc);
      w.commit();
    }
    assertThatThrownBy(() -> LuceneAuditStore.open(dir, StoreOptions.defaults()))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("not a kubetrail store");
  }

  @Test
  void aStoreOfAnotherFormatIsRefusedWithWhatToDo() throws IOException {
    Path dir = tmp.resolve("older");
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(List.of(event("a").build())));
    }
    try (FSDirectory d = FSDirectory.open(dir);
        IndexWriter w = new IndexWriter(d, IndexWriters.config(LuceneOptions.defaults()))) {
      Map<String, String> userData = new HashMap<>(SegmentInfos.readLatestCommit(d).getUserData());
      userData.put(CommitState.FORMAT_KEY, "kubetrail-store-2");
      w.setLiveCommitData(userData.entrySet());
      w.commit();
    }
    assertThatThrownBy(() -> LuceneAuditStore.open(dir, StoreOptions.defaults()))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("store format is kubetrail-store-2")
        .hasMessageContaining("ingest the audit logs again into a new store directory");
  }

  @Test
  void damagedFilesAreReportedAsCorrupt() throws IOException {
    Path dir = tmp.resolve("store");
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(List.of(event("a").build())));
    }
    Path segments;
    try (Stream<Path> files = Files.list(dir)) {
      segments =
          files.filter(f -> f.getFileName().toString().startsWith("segments_")).findFirst().get();
    }
    byte[] bytes = Files.readAllBytes(segments);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(segments, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    assertThatThrownBy(() -> LuceneAuditStore.open(dir, StoreOptions.defaults()))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("backup");
  }

  @Test
  void smallCompressionStoresTheSame() throws IOException {
    LuceneOptions small = LuceneOptions.defaults().withCompression(LuceneOptions.Compression.SMALL);
    StoredEvent e = event("a").extraField("y".repeat(10_000)).build();
    try (AuditStore store =
        LuceneAuditStore.open(tmp.resolve("small"), StoreOptions.defaults(), small)) {
      store.append(Batch.of(List.of(e)));
      assertThat(store.search(EventQuery.all(), 1, Optional.empty()).events()).containsExactly(e);
    }
  }

  @Test
  void hugeValuesAreStoredWholeAndFound() throws IOException {
    String longId = "id-" + "é".repeat(30_000);
    String longAgent = "agent/" + "x".repeat(100_000);
    StoredEvent e = event(longId).userAgent(longAgent).build();
    try (AuditStore store = LuceneAuditStore.open(tmp.resolve("huge"), StoreOptions.defaults())) {
      assertThat(store.append(Batch.of(List.of(e, e))).stored()).isEqualTo(1);
      assertThat(store.append(Batch.of(List.of(e))).stored()).isZero();
      SearchPage page =
          store.search(
              EventQuery.builder().auditID(longId).userAgent(longAgent).build(),
              10,
              Optional.empty());
      assertThat(page.events()).containsExactly(e);
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void farFutureAndPastTimesAreStoredAndOrdered() throws IOException {
    Instant past = Instant.parse("0001-01-01T00:00:00Z");
    Instant future = Instant.parse("9999-12-31T23:59:59.999999Z");
    StoredEvent old = event("old").received(past).code(201).build();
    StoredEvent late = event("late").received(future).stageTime(future).code(201).build();
    try (AuditStore store = LuceneAuditStore.open(tmp.resolve("times"), StoreOptions.defaults())) {
      store.append(Batch.of(List.of(late, event("now").build(), old)));
      assertThat(store.search(EventQuery.all(), 3, Optional.empty()).events())
          .extracting(x -> x.event().auditID())
          .containsExactly("late", "now", "old");
      assertThat(
              store.count(
                  EventQuery.builder().until(Instant.parse("1970-01-01T00:00:00Z")).build()))
          .isEqualTo(1);
      assertThat(store.histogram(EventQuery.all(), Duration.ofDays(365 * 1000))).hasSize(3);
      try (var history = store.history("prod", new ObjectKey("", "pods", "default", "web"))) {
        assertThat(history.toList()).containsExactly(old, event("now").build(), late);
      }
    }
  }
}
