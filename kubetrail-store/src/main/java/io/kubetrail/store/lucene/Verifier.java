package io.kubetrail.store.lucene;

import io.kubetrail.event.RawJson;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/**
 * Walks the hash chain of one point-in-time view of the store, batch by batch in sequence order,
 * hashing every stored event again. Stops at the first batch that does not match.
 */
final class Verifier {
  private static final Set<String> EVENT_FIELDS = Set.of(Fields.MODEL, Fields.RAW);

  private final IndexSearcher searcher;
  private final CommitState state;
  private final int pageSize;
  private final StoredFields storedFields;
  private long batchesChecked;
  private long eventsChecked;

  Verifier(IndexSearcher searcher, CommitState state, int pageSize) throws IOException {
    this.searcher = searcher;
    this.state = state;
    this.pageSize = pageSize;
    this.storedFields = searcher.storedFields();
  }

  VerifyResult verify() throws IOException {
    long expected = state.anchorBatch() + 1;
    byte[] running = state.anchorHash();
    Query headers = Queries.headers();
    FieldDoc after = null;
    while (true) {
      TopFieldDocs page =
          after == null
              ? searcher.search(headers, pageSize, Queries.BY_BATCH, false)
              : searcher.searchAfter(after, headers, pageSize, Queries.BY_BATCH, false);
      for (ScoreDoc hit : page.scoreDocs) {
        BatchHeader h;
        try {
          h = LuceneStore.Headers.read(storedFields, hit.doc);
        } catch (IOException e) {
          return broken(expected, "its header cannot be read (" + e.getMessage() + ")");
        }
        if (h.batch() < expected) {
          return broken(
              h.batch(),
              h.batch() <= state.anchorBatch()
                  ? "a batch removed by pruning is back"
                  : "its header appears more than once");
        }
        if (h.batch() > expected) {
          return broken(expected, "the batch is missing (no header)");
        }
        if (!Arrays.equals(h.prevHash(), running)) {
          return broken(h.batch(), "it does not link to the previous batch's hash");
        }
        if (!Arrays.equals(h.recomputeHash(), h.hash())) {
          return broken(h.batch(), "its header was changed (its hash does not match its fields)");
        }
        String problem = h.pruned() ? checkPruned(h) : checkEvents(h);
        if (problem != null) {
          return broken(h.batch(), problem);
        }
        running = h.hash();
        expected = h.batch() + 1;
      }
      if (page.scoreDocs.length < pageSize) {
        break;
      }
      after = (FieldDoc) page.scoreDocs[page.scoreDocs.length - 1];
    }
    long last = expected - 1;
    if (last < state.lastBatch()) {
      return broken(
          expected, "the batch is missing (the chain's head is batch " + state.lastBatch() + ")");
    }
    if (last > state.lastBatch()) {
      return broken(
          state.lastBatch() + 1,
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
        batchesChecked, eventsChecked, OptionalLong.empty(), "", BatchHeader.hex(state.head()));
  }

  private String checkPruned(BatchHeader h) throws IOException {
    if (h.maxReceived() >= state.prunedBefore()) {
      return "it is marked as pruned, but holds events newer than any prune removed";
    }
    int left = searcher.count(Queries.batchEvents(h.batch()));
    if (left > 0) {
      return "it is marked as pruned, but " + left + " of its events remain";
    }
    return null;
  }

  private String checkEvents(BatchHeader h) throws IOException {
    Query query = Queries.batchEvents(h.batch());
    BatchHeader.EventsDigest digest = new BatchHeader.EventsDigest();
    long seen = 0;
    FieldDoc after = null;
    while (true) {
      TopFieldDocs page =
          after == null
              ? searcher.search(query, pageSize, Queries.BY_SEQ, false)
              : searcher.searchAfter(after, query, pageSize, Queries.BY_SEQ, false);
      for (ScoreDoc hit : page.scoreDocs) {
        long seq = (Long) ((FieldDoc) hit).fields[0];
        if (seq != h.firstSeq() + seen) {
          return "its events are not numbered "
              + h.firstSeq()
              + ".."
              + h.lastSeq()
              + " (found "
              + seq
              + " in place of "
              + (h.firstSeq() + seen)
              + "): an event was removed, added or reordered";
        }
        Document doc = storedFields.document(hit.doc, EVENT_FIELDS);
        BytesRef model = doc.getBinaryValue(Fields.MODEL);
        BytesRef raw = doc.getBinaryValue(Fields.RAW);
        if (model == null || raw == null) {
          return "event " + seq + " has lost its stored fields";
        }
        byte[] modelBytes = BytesRef.deepCopyOf(model).bytes;
        try {
          EventCodec.decode(modelBytes, RawJson.of(raw.bytes, raw.offset, raw.length));
        } catch (IOException e) {
          return "event " + seq + " cannot be read (" + e.getMessage() + ")";
        }
        digest.add(seq, modelBytes, raw.bytes, raw.offset, raw.length);
        seen++;
      }
      if (page.scoreDocs.length < pageSize) {
        break;
      }
      after = (FieldDoc) page.scoreDocs[page.scoreDocs.length - 1];
    }
    if (seen != h.count()) {
      return "it has " + seen + " events, the chain records " + h.count();
    }
    if (!Arrays.equals(digest.finish(), h.eventsDigest())) {
      return "its events do not match the chain: an event was changed, added, removed or reordered";
    }
    batchesChecked++;
    eventsChecked += seen;
    return null;
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
          batchesChecked,
          eventsChecked,
          OptionalLong.empty(),
          reason,
          BatchHeader.hex(state.head()));
    }
    long batch = (Long) ((FieldDoc) first.scoreDocs[0]).fields[0];
    return broken(batch, reason);
  }

  private VerifyResult broken(long batch, String reason) {
    return new VerifyResult(
        batchesChecked,
        eventsChecked,
        OptionalLong.of(batch),
        reason,
        BatchHeader.hex(state.head()));
  }
}
