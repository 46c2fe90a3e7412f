package io.kubetrail.store.lucene;

import io.kubetrail.event.RawJson;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopFieldDocs;

/**
 * Walks the hash chain of one point-in-time view of the store, batch by batch in sequence order,
 * hashing every stored event again and checking that the index holds for it exactly what indexing
 * it writes. Stops at the first batch that does not match. The events of several batches are
 * checked at once, one batch per core.
 */
final class Verifier {
  private static final String EDITED =
      ": the index was edited, so searches would find or miss it against its content";

  private final IndexSearcher searcher;
  private final BlockFiles blocks;
  private final CommitState state;
  private final int pageSize;
  private final StoredFields storedFields;
  private final IndexFingerprints fingerprints;
  private final VerifyListener listener;
  private long batchesPassed;
  private long batchesChecked;
  private long eventsChecked;

  Verifier(
      IndexSearcher searcher,
      BlockFiles blocks,
      CommitState state,
      int pageSize,
      VerifyListener listener)
      throws IOException {
    this.searcher = searcher;
    this.blocks = blocks;
    this.state = state;
    this.pageSize = pageSize;
    this.listener = listener;
    this.storedFields = searcher.storedFields();
    this.fingerprints = IndexFingerprints.of(searcher.getIndexReader());
  }

  VerifyResult verify() throws IOException {
    // Documents of batches before the anchor were pruned for good: none may be left.
    TopFieldDocs back =
        searcher.search(
            LongPoint.newRangeQuery(Fields.BATCH, Long.MIN_VALUE, state.anchorBatch()),
            1,
            Queries.BY_BATCH,
            false);
    if (back.scoreDocs.length > 0) {
      return broken(
          (Long) ((FieldDoc) back.scoreDocs[0]).fields[0], "a batch removed by pruning is back");
    }
    try (InFlight inFlight = new InFlight()) {
      return walk(inFlight);
    }
  }

  /**
   * Follows the chain from header to header on this thread, and checks the events of each batch on
   * all cores, reporting problems in chain order.
   */
  private VerifyResult walk(InFlight inFlight) throws IOException {
    long expected = state.anchorBatch() + 1;
    byte[] running = state.anchorHash();
    // Batch numbers are consecutive, so windows of them make pages without search-after.
    for (long lo = state.anchorBatch() + 1; lo <= state.lastBatch(); lo += pageSize) {
      long hi = Math.min(state.lastBatch(), lo + pageSize - 1);
      Query window = and(Queries.headers(), LongPoint.newRangeQuery(Fields.BATCH, lo, hi));
      // Room for more headers than batches, so that a repeated header shows.
      TopFieldDocs page = searcher.search(window, 2 * pageSize + 1, Queries.BY_BATCH, false);
      for (ScoreDoc hit : page.scoreDocs) {
        BatchHeader header;
        try {
          header = BatchHeaders.read(storedFields, hit.doc);
        } catch (IOException | RuntimeException e) {
          return inFlight.brokenAt(expected, "its header cannot be read (" + e.getMessage() + ")");
        }
        BatchLink h = header.link();
        if (h.batch() < expected) {
          return inFlight.brokenAt(h.batch(), "its header appears more than once");
        }
        if (h.batch() > expected) {
          return inFlight.brokenAt(expected, "the batch is missing (no header)");
        }
        if (!Arrays.equals(h.prevHash(), running)) {
          return inFlight.brokenAt(h.batch(), "it does not link to the previous batch's hash");
        }
        if (!h.hashMatches()) {
          return inFlight.brokenAt(
              h.batch(), "its header was changed (its hash does not match its fields)");
        }
        if (fingerprints.actual(hit.doc) != fingerprints.expected(Fields.header(header))) {
          return inFlight.brokenAt(
              h.batch(), "its header is indexed otherwise than it is stored" + EDITED);
        }
        VerifyResult earlier = inFlight.add(header);
        if (earlier != null) {
          return earlier;
        }
        running = h.hash();
        expected = h.batch() + 1;
      }
      if (expected <= hi) {
        return inFlight.brokenAt(expected, "the batch is missing (no header)");
      }
    }
    VerifyResult earlier = inFlight.drain();
    if (earlier != null) {
      return earlier;
    }
    TopFieldDocs beyond =
        searcher.search(
            and(
                Queries.headers(),
                LongPoint.newRangeQuery(Fields.BATCH, state.lastBatch() + 1, Long.MAX_VALUE)),
            1,
            Queries.BY_BATCH,
            false);
    if (beyond.scoreDocs.length > 0) {
      return broken(
          (Long) ((FieldDoc) beyond.scoreDocs[0]).fields[0],
          "the batch is beyond the chain's head (batch " + state.lastBatch() + ")");
    }
    if (!Arrays.equals(running, state.head())) {
      return broken(state.lastBatch(), "the chain's head hash does not match the last batch");
    }
    long total = searcher.count(Queries.allEvents());
    if (total != eventsChecked) {
      return orphans(total - eventsChecked);
    }
    return new VerifyResult(
        batchesChecked, eventsChecked, OptionalLong.empty(), "", BatchLink.hex(state.head()));
  }

  /**
   * The checks of batches' contents under way, oldest first, a few per core. A batch counts as
   * checked once it and every batch before it passed.
   */
  private final class InFlight implements AutoCloseable {
    private final int threads = Runtime.getRuntime().availableProcessors();
    private final ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "kubetrail-verify");
              t.setDaemon(true);
              return t;
            });
    private final ArrayDeque<Check> checks = new ArrayDeque<>();

    private record Check(BatchHeader header, Future<String> problem) {}

    /** Starts checking {@code h}'s contents; returns the first problem found meanwhile, or null. */
    VerifyResult add(BatchHeader h) throws IOException {
      checks.add(
          new Check(
              h, pool.submit(() -> h.pruned() ? checkPruned(h.link()) : checkEvents(h.link()))));
      return checks.size() > 2 * threads ? completeOldest() : null;
    }

    /** The first problem among the checks under way, or null when they all pass. */
    VerifyResult drain() throws IOException {
      while (!checks.isEmpty()) {
        VerifyResult problem = completeOldest();
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }

    /**
     * The result when the chain walk finds {@code batch} broken: a problem in an earlier batch,
     * still being checked, comes first.
     */
    VerifyResult brokenAt(long batch, String reason) throws IOException {
      VerifyResult earlier = drain();
      return earlier != null ? earlier : broken(batch, reason);
    }

    private VerifyResult completeOldest() throws IOException {
      Check check = checks.remove();
      String problem;
      try {
        problem = check.problem().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("verify was interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw (Error) cause;
      }
      BatchHeader h = check.header();
      if (problem != null) {
        return broken(h.batch(), problem);
      }
      if (!h.pruned()) {
        batchesChecked++;
        eventsChecked += h.link().count();
      }
      listener.progress(++batchesPassed, state.lastBatch() - state.anchorBatch(), eventsChecked);
      return null;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }

  private String checkPruned(BatchLink h) throws IOException {
    if (h.maxReceived() >= state.prunedBefore()) {
      return "it is marked as pruned, but holds events newer than any prune removed";
    }
    int left = searcher.count(Queries.batchEvents(h.batch()));
    if (left > 0) {
      return "it is marked as pruned, but " + left + " of its events remain";
    }
    return null;
  }

  private String checkEvents(BatchLink h) throws IOException {
    int found = searcher.count(Queries.batchEvents(h.batch()));
    if (found != h.count()) {
      return "it has "
          + found
          + " events, the chain records "
          + h.count()
          + (found < h.count() ? ": an event was removed" : ": an event was added");
    }
    BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
    StoredEvents.Cursor cursor = new StoredEvents.Cursor(blocks); // one per thread
    EventDocument document = new EventDocument();
    // The batch's events are numbered consecutively, so windows of numbers make pages.
    for (long lo = h.firstSeq(); lo <= h.lastSeq(); lo += pageSize) {
      long hi = Math.min(h.lastSeq(), lo + pageSize - 1);
      Query window =
          and(
              Queries.batchEvents(h.batch()),
              NumericDocValuesField.newSlowRangeQuery(Fields.SEQ, lo, hi));
      TopFieldDocs page = searcher.search(window, pageSize + 1, Queries.BY_SEQ, false);
      long next = lo;
      for (ScoreDoc hit : page.scoreDocs) {
        long seq = (Long) ((FieldDoc) hit).fields[0];
        if (seq != next) {
          return "its events are not numbered "
              + h.firstSeq()
              + ".."
              + h.lastSeq()
              + " (found "
              + seq
              + " in place of "
              + next
              + "): an event was removed, added or reordered";
        }
        long position;
        EventBlock.Decoded block;
        try {
          position = StoredEvents.position(searcher.getIndexReader(), hit.doc);
          block = cursor.block(position);
        } catch (BlockFiles.BlockDamageException e) {
          return "event "
              + seq
              + " cannot be read: "
              + e.damage().file()
              + " "
              + e.damage().problem();
        } catch (IOException | RuntimeException e) {
          return "event " + seq + " cannot be read (" + e.getMessage() + ")";
        }
        if (block.batch() != h.batch()) {
          return "event " + seq + " is stored in a block of batch " + block.batch();
        }
        int slot = BlockFiles.slot(position);
        byte[] modelBytes = block.model(slot);
        RawJson raw = block.raw(slot);
        StoredEvent event;
        try {
          event = EventCodec.decode(modelBytes, raw);
        } catch (IOException e) {
          return "event " + seq + " cannot be read (" + e.getMessage() + ")";
        }
        List<IndexableField> indexed =
            document.fill(event, Fields.id(event), seq, h.batch(), position);
        if (fingerprints.actual(hit.doc) != fingerprints.expected(indexed)) {
          return "event " + seq + " is indexed otherwise than it is stored" + EDITED;
        }
        byte[] rawBytes = raw.unsafeBytes();
        digest.add(seq, modelBytes, rawBytes, 0, rawBytes.length);
        next++;
      }
      if (next <= hi) {
        return "its events are not numbered "
            + h.firstSeq()
            + ".."
            + h.lastSeq()
            + " ("
            + next
            + " is missing): an event was removed, added or reordered";
      }
    }
    if (!Arrays.equals(digest.finish(), h.eventsDigest())) {
      return "its events do not match the chain: an event was changed, added, removed or reordered";
    }
    return null;
  }

  private static Query and(Query a, Query b) {
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(a, Occur.FILTER);
    q.add(b, Occur.FILTER);
    return q.build();
  }

  private static Query or(Query a, Query b) {
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(a, Occur.SHOULD);
    q.add(b, Occur.SHOULD);
    return q.build();
  }

  /** Events that belong to no batch of the chain: name the first batch number they claim. */
  private VerifyResult orphans(long extra) throws IOException {
    BooleanQuery.Builder outside = new BooleanQuery.Builder();
    outside.add(
        LongPoint.newRangeQuery(Fields.BATCH, Long.MIN_VALUE, state.anchorBatch()), Occur.SHOULD);
    outside.add(
        LongPoint.newRangeQuery(Fields.BATCH, state.lastBatch() + 1, Long.MAX_VALUE), Occur.SHOULD);
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(Queries.allEvents(), Occur.FILTER);
    q.add(outside.build(), Occur.FILTER);
    TopFieldDocs first = searcher.search(q.build(), 1, Queries.BY_BATCH, false);
    String reason =
        Math.abs(extra)
            + " events belong to no batch of the chain"
            + (extra < 0 ? " (fewer events than the batches record)" : "");
    if (first.scoreDocs.length == 0) {
      return new VerifyResult(
          batchesChecked, eventsChecked, OptionalLong.empty(), reason, BatchLink.hex(state.head()));
    }
    long batch = (Long) ((FieldDoc) first.scoreDocs[0]).fields[0];
    return broken(batch, reason);
  }

  private VerifyResult broken(long batch, String reason) {
    return new VerifyResult(
        batchesChecked, eventsChecked, OptionalLong.of(batch), reason, BatchLink.hex(state.head()));
  }
}
