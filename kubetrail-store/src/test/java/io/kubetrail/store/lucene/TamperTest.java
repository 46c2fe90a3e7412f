package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.T0;
import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.RawJson;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edits a closed store's index directly, as someone with access to its files could, and checks that
 * verify names the first batch that no longer matches the hash chain.
 */
class TamperTest {
  private static final int BATCHES = 5;
  private static final int EVENTS_PER_BATCH = 4;

  @TempDir Path tmp;

  /** One store built once; each test edits its own copy. */
  @TempDir static Path pristine;

  @BeforeAll
  static void buildPristineStore() throws IOException {
    try (AuditStore store = LuceneAuditStore.open(pristine, StoreOptions.defaults())) {
      for (int b = 1; b <= BATCHES; b++) {
        List<StoredEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_BATCH; i++) {
          events.add(event("b" + b + "-e" + i).at(b).build());
        }
        store.append(Batch.of(events));
      }
    }
  }

  /** An edit of the raw index. */
  @FunctionalInterface
  interface Edit {
    void apply(Index index) throws IOException;
  }

  static Stream<Arguments> tampering() {
    return Stream.of(
        Arguments.of(
            "change an event's fields",
            (Edit) ix -> ix.rewrite("b3-e1", e -> withVerb(e, "delete"), null, null),
            3,
            "do not match"),
        Arguments.of(
            "change only an event's raw JSON",
            (Edit)
                ix ->
                    ix.rewrite(
                        "b3-e1",
                        e -> withJson(e, e.event().json().toString().replace("alice", "mallo")),
                        null,
                        null),
            3,
            "do not match"),
        Arguments.of(
            "remove an event",
            (Edit) ix -> ix.writer.deleteDocuments(ix.idTerm("b3-e2")),
            3,
            "removed"),
        Arguments.of(
            "reorder two events of a batch",
            (Edit)
                ix -> {
                  long first = ix.seq("b3-e0");
                  long third = ix.seq("b3-e2");
                  ix.rewrite("b3-e0", e -> e, third, null);
                  ix.rewrite("b3-e2", e -> e, first, null);
                },
            3,
            "do not match"),
        Arguments.of(
            "swap events between batches",
            (Edit) ix -> ix.swap("b2-e0", "b4-e0"),
            2,
            "do not match"),
        Arguments.of(
            "move an event to the next batch",
            (Edit) ix -> ix.rewrite("b3-e1", e -> e, null, 4L),
            3,
            "removed"),
        Arguments.of(
            "add an event to a batch",
            (Edit) ix -> ix.add(event("forged").at(2).build(), 1_000, 2),
            2,
            "added"),
        Arguments.of(
            "add an event outside every batch",
            (Edit) ix -> ix.add(event("forged").at(2).build(), 1_000, 99),
            99,
            "no batch"),
        Arguments.of(
            "remove a whole batch",
            (Edit) ix -> ix.writer.deleteDocuments(LongPoint.newExactQuery(Fields.BATCH, 2)),
            2,
            "missing"),
        Arguments.of(
            "remove the newest batch",
            (Edit) ix -> ix.writer.deleteDocuments(LongPoint.newExactQuery(Fields.BATCH, 5)),
            5,
            "missing"),
        Arguments.of(
            "edit a batch header",
            (Edit)
                ix -> {
                  BatchLink h = ix.header(4).link();
                  ix.replaceHeader(
                      new BatchHeader(
                          new BatchLink(
                              h.batch(),
                              h.prevHash(),
                              h.eventsDigest(),
                              h.count(),
                              h.firstSeq(),
                              h.minReceived(),
                              h.maxReceived() + 1_000_000,
                              h.appendedAt(),
                              h.hash()),
                          false));
                },
            4,
            "header was changed"),
        Arguments.of(
            "index an event under another verb",
            (Edit)
                ix ->
                    ix.reindex(
                        "b3-e1",
                        doc -> {
                          doc.removeFields(Fields.VERB);
                          doc.add(new StringField(Fields.VERB, "get", Field.Store.NO));
                        }),
            3,
            "indexed otherwise"),
        Arguments.of(
            "hide an event from searches by user",
            (Edit) ix -> ix.reindex("b2-e3", doc -> doc.removeFields(Fields.USER)),
            2,
            "indexed otherwise"),
        Arguments.of(
            "make an event found by another user too",
            (Edit)
                ix ->
                    ix.reindex(
                        "b4-e0",
                        doc -> doc.add(new StringField(Fields.USER, "mallory", Field.Store.NO))),
            4,
            "indexed otherwise"),
        Arguments.of(
            "move an event in time for searches and sorting",
            (Edit)
                ix ->
                    ix.reindex(
                        "b3-e2",
                        doc -> {
                          long later = Times.micros(T0.plusSeconds(86_400));
                          doc.removeFields(Fields.RECEIVED);
                          doc.add(new LongPoint(Fields.RECEIVED, later));
                          doc.add(new NumericDocValuesField(Fields.RECEIVED, later));
                        }),
            3,
            "indexed otherwise"),
        Arguments.of(
            "index a batch header otherwise",
            (Edit)
                ix -> {
                  BatchHeader h = ix.header(4);
                  Document doc = Fields.header(h);
                  doc.removeFields(Fields.HEADER_MAX_RECEIVED);
                  doc.add(new LongPoint(Fields.HEADER_MAX_RECEIVED, Long.MAX_VALUE));
                  ix.replaceHeader(doc);
                },
            4,
            "header is indexed otherwise"),
        Arguments.of(
            "change an event, then remove a later batch and break a later one's index",
            (Edit)
                ix -> {
                  ix.rewrite("b2-e1", e -> withVerb(e, "delete"), null, null);
                  ix.reindex("b3-e0", doc -> doc.removeFields(Fields.VERB));
                  ix.writer.deleteDocuments(LongPoint.newExactQuery(Fields.BATCH, 4));
                },
            2,
            "do not match"),
        Arguments.of(
            "remove a batch's events and mark it pruned",
            (Edit)
                ix -> {
                  BatchHeader h = ix.header(2);
                  ix.writer.deleteDocuments(LongPoint.newExactQuery(Fields.BATCH, 2));
                  ix.writer.addDocument(Fields.header(h.asPruned()));
                },
            2,
            "pruned"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tampering")
  void verifyNamesTheFirstBrokenBatch(String what, Edit edit, long broken, String reason)
      throws IOException {
    Path dir = tmp.resolve("store");
    buildStore(dir);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      VerifyResult intact = store.verify();
      assertThat(intact.ok()).as(intact.toString()).isTrue();
      assertThat(intact.batchesChecked()).isEqualTo(BATCHES);
    }

    editIndex(dir, edit);

    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      VerifyResult result = store.verify();
      assertThat(result.ok()).as(what).isFalse();
      assertThat(result.firstBrokenBatch()).as(what + ": " + result).hasValue(broken);
      assertThat(result.reason()).as(what).contains(reason);
      assertThat(result.batchesChecked()).as(what).isEqualTo(Math.min(broken - 1, BATCHES));
    }
  }

  @Test
  void tamperingAfterAPruneIsStillFound() throws IOException {
    Path dir = tmp.resolve("store");
    buildStore(dir);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      // Batches 1 and 2 hold events received at 1 s and 2 s.
      assertThat(store.prune(T0.plusSeconds(3)).batches()).isEqualTo(2);
      assertThat(store.verify().ok()).isTrue();
    }
    // Removing the oldest batch left looks like a prune, but the anchor says otherwise.
    editIndex(dir, ix -> ix.writer.deleteDocuments(LongPoint.newExactQuery(Fields.BATCH, 3)));
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      VerifyResult result = store.verify();
      assertThat(result.firstBrokenBatch()).as(result.toString()).hasValue(3);
    }
  }

  private static void buildStore(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(pristine)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
  }

  /**
   * Opens the index with a plain IndexWriter, edits it, and commits with the same user data, except
   * that the block files' committed length covers the blocks the edit appended (a forger who can
   * write the files can do that too).
   */
  private static void editIndex(Path dir, Edit edit) throws IOException {
    try (Directory d = FSDirectory.open(dir);
        BlockFiles blocks = new BlockFiles(dir)) {
      Map<String, String> userData =
          new java.util.TreeMap<>(SegmentInfos.readLatestCommit(d).getUserData());
      blocks.rollbackTo(
          Long.parseLong(userData.get("kubetrail.blockFile")),
          Long.parseLong(userData.get("kubetrail.blockLength")));
      try (IndexWriter writer = new IndexWriter(d, IndexWriters.config(LuceneOptions.defaults()))) {
        edit.apply(new Index(writer, blocks));
        blocks.sync();
        userData.put("kubetrail.blockLength", Long.toString(blocks.appendingLength()));
        writer.setLiveCommitData(userData.entrySet());
        writer.commit();
      }
    }
  }

  private static StoredEvent withVerb(StoredEvent e, String verb) {
    AuditEvent a = e.event();
    return new StoredEvent(
        e.cluster(),
        e.name(),
        e.generatedTime(),
        new AuditEvent(
            a.level(),
            a.auditID(),
            a.stage(),
            a.requestURI(),
            verb,
            a.user(),
            a.impersonatedUser(),
            a.sourceIPs(),
            a.userAgent(),
            a.objectRef(),
            a.responseCode(),
            a.responseName(),
            a.requestReceivedTimestamp(),
            a.stageTimestamp(),
            a.annotations(),
            a.json()));
  }

  private static StoredEvent withJson(StoredEvent e, String json) {
    return new StoredEvent(
        e.cluster(),
        e.name(),
        e.generatedTime(),
        e.event().withLevelAndJson(e.event().level(), RawJson.of(json)));
  }

  /** The raw index, with helpers that know the store's document layout. */
  static final class Index {
    final IndexWriter writer;
    final BlockFiles blocks;

    Index(IndexWriter writer, BlockFiles blocks) {
      this.writer = writer;
      this.blocks = blocks;
    }

    /** Stores an event in a block of its own, labelled with a batch; returns its position. */
    long store(StoredEvent e, long batch) throws IOException {
      long file = blocks.beginBatch(batch);
      EventBlock.Built block = EventBlock.build(batch, List.of(e), LuceneOptions.Compression.FAST);
      return BlockFiles.position(file, blocks.write(block.bytes()), 0);
    }

    /** The term that finds the event; each event of these tests has its own auditID. */
    Term idTerm(String auditID) {
      return new Term(Fields.AUDIT_ID, auditID);
    }

    StoredEvent event(String auditID) throws IOException {
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        ScoreDoc hit = new ScoreDoc(doc(reader, auditID), 0);
        return StoredEvents.load(reader, blocks, new ScoreDoc[] {hit}, false).get(0);
      }
    }

    long seq(String auditID) throws IOException {
      return docValue(auditID, Fields.SEQ);
    }

    long batch(String auditID) throws IOException {
      return docValue(auditID, Fields.BATCH);
    }

    BatchHeader header(long batch) throws IOException {
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        q.add(LongPoint.newExactQuery(Fields.BATCH, batch), Occur.FILTER);
        q.add(new TermQuery(new Term(Fields.HEADER, Fields.LIVE)), Occur.FILTER);
        TopDocs hits = new IndexSearcher(reader).search(q.build(), 1);
        return BatchHeaders.read(reader.storedFields(), hits.scoreDocs[0].doc);
      }
    }

    void replaceHeader(BatchHeader header) throws IOException {
      replaceHeader(Fields.header(header));
    }

    /** Replaces the live header of the batch {@code header} belongs to with it. */
    void replaceHeader(Document header) throws IOException {
      BooleanQuery.Builder q = new BooleanQuery.Builder();
      q.add(
          LongPoint.newExactQuery(
              Fields.BATCH, header.getField(Fields.BATCH).numericValue().longValue()),
          Occur.FILTER);
      q.add(new TermQuery(new Term(Fields.HEADER, Fields.LIVE)), Occur.FILTER);
      writer.deleteDocuments(q.build());
      writer.addDocument(header);
    }

    /** Indexes an event again with the same stored content but edited index entries. */
    void reindex(String auditID, java.util.function.Consumer<Document> edit) throws IOException {
      StoredEvent e = event(auditID);
      long position = docValue(auditID, Fields.POSITION);
      Document doc = Fields.event(e, seq(auditID), batch(auditID), position);
      edit.accept(doc);
      writer.deleteDocuments(idTerm(auditID));
      writer.addDocument(doc);
    }

    /** Rewrites an event's document: new content, and optionally another seq or batch. */
    void rewrite(
        String auditID,
        java.util.function.UnaryOperator<StoredEvent> change,
        Long newSeq,
        Long newBatch)
        throws IOException {
      StoredEvent original = event(auditID);
      long seq = newSeq != null ? newSeq : seq(auditID);
      long batch = newBatch != null ? newBatch : batch(auditID);
      StoredEvent changed = change.apply(original);
      writer.updateDocument(
          idTerm(auditID), Fields.event(changed, seq, batch, store(changed, batch)));
    }

    /** Swaps the content of two events, each keeping its place (seq and batch). */
    void swap(String first, String second) throws IOException {
      StoredEvent a = event(first);
      StoredEvent b = event(second);
      long seqA = seq(first);
      long seqB = seq(second);
      long batchA = batch(first);
      long batchB = batch(second);
      writer.deleteDocuments(idTerm(first), idTerm(second));
      add(b, seqA, batchA);
      add(a, seqB, batchB);
    }

    void add(StoredEvent e, long seq, long batch) throws IOException {
      writer.addDocument(Fields.event(e, seq, batch, store(e, batch)));
    }

    private long docValue(String auditID, String field) throws IOException {
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        int doc = doc(reader, auditID);
        LeafReaderContext leaf = reader.leaves().get(ReaderUtil.subIndex(doc, reader.leaves()));
        NumericDocValues values = leaf.reader().getNumericDocValues(field);
        assertThat(values.advanceExact(doc - leaf.docBase)).isTrue();
        return values.longValue();
      }
    }

    private static int doc(DirectoryReader reader, String auditID) throws IOException {
      TopDocs hits =
          new IndexSearcher(reader).search(new TermQuery(new Term(Fields.AUDIT_ID, auditID)), 2);
      assertThat(hits.scoreDocs).as("documents of %s", auditID).hasSize(1);
      return hits.scoreDocs[0].doc;
    }
  }
}
