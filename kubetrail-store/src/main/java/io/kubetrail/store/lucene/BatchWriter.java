package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Writes a batch: its events into blocks of the block files, and makes its documents for the index
 * (which the {@link Indexer} adds once the batch is durable). A batch's blocks are encoded and
 * compressed before the append takes its turn ({@link #prepare}, on the appending thread and a pool
 * of threads), so that appends of several threads compress at once; in its turn, an append numbers
 * the blocks, writes them in order and digests the batch ({@link #write}).
 */
final class BatchWriter implements AutoCloseable {
  private final LuceneOptions options;
  private final BlockFiles blockFiles;

  /** Made on the first append. */
  private volatile ExecutorService compressors;

  BatchWriter(LuceneOptions options, BlockFiles blockFiles) {
    this.options = options;
    this.blockFiles = blockFiles;
  }

  /** A batch written to the block files: its header, and its documents with the header's last. */
  record Written(BatchHeader header, BatchDocuments documents) {}

  /**
   * A batch's new events, in order, encoded and compressed into blocks not yet numbered.
   *
   * @param ids the events' identities, in the same order
   */
  record Prepared(List<BytesRef> ids, List<StoredEvent> events, List<EventBlock.Built> blocks) {
    int size() {
      return events.size();
    }
  }

  /**
   * Encodes and compresses the events, in the order given, into blocks: the first on this thread,
   * the others on the pool. Needs no lock: nothing of the store is read or written.
   */
  Prepared prepare(Map<BytesRef, StoredEvent> events) throws IOException {
    List<BytesRef> ids = new ArrayList<>(events.keySet());
    List<StoredEvent> list = new ArrayList<>(events.values());
    List<int[]> ranges = new ArrayList<>();
    for (int start = 0; start < list.size(); ) {
      int end = blockEnd(list, start);
      ranges.add(new int[] {start, end});
      start = end;
    }
    List<Future<EventBlock.Built>> others = new ArrayList<>();
    try {
      for (int i = 1; i < ranges.size(); i++) {
        List<StoredEvent> part = list.subList(ranges.get(i)[0], ranges.get(i)[1]);
        others.add(pool().submit(() -> EventBlock.build(0, part, options.compression())));
      }
      List<EventBlock.Built> blocks = new ArrayList<>(ranges.size());
      if (!ranges.isEmpty()) {
        blocks.add(
            EventBlock.build(
                0, list.subList(ranges.get(0)[0], ranges.get(0)[1]), options.compression()));
      }
      for (Future<EventBlock.Built> block : others) {
        blocks.add(await(block));
      }
      return new Prepared(ids, list, blocks);
    } finally {
      // Nothing is left running for a batch that failed.
      for (Future<EventBlock.Built> block : others) {
        block.cancel(false);
      }
    }
  }

  /**
   * The batch's blocks, built before its turn; empty when there are none or building failed (then
   * its turn builds them again, and handles the failure as a failed write).
   */
  Optional<Prepared> prepareAhead(Map<BytesRef, StoredEvent> events) {
    if (events.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(prepare(events));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes a prepared batch, numbered after {@code before}, into the block files (not yet synced);
   * returns the batch's header and its documents, the header's last. The index has no sort: a flush
   * writes documents in the order they were added, so add them in this order.
   */
  Written write(CommitState before, Prepared prepared) throws IOException {
    long batch = before.lastBatch() + 1;
    long firstSeq = before.nextSeq();
    List<StoredEvent> list = prepared.events();
    long file = blockFiles.beginBatch(batch);
    long minReceived = Long.MAX_VALUE;
    long maxReceived = Long.MIN_VALUE;
    BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
    long[] positions = new long[list.size()];
    int at = 0;
    for (EventBlock.Built block : prepared.blocks()) {
      EventBlock.number(block, batch);
      long offset = blockFiles.write(block.bytes());
      byte[][] models = block.models();
      for (int slot = 0; slot < models.length; slot++, at++) {
        StoredEvent event = list.get(at);
        positions[at] = BlockFiles.position(file, offset, slot);
        byte[] raw = event.event().json().unsafeBytes();
        digest.add(firstSeq + at, models[slot], raw, 0, raw.length);
        long received = Times.micros(event.event().requestReceivedTimestamp());
        minReceived = Math.min(minReceived, received);
        maxReceived = Math.max(maxReceived, received);
      }
    }
    if (at != list.size()) {
      throw new IllegalStateException("blocks hold " + at + " of " + list.size() + " events");
    }
    BatchHeader header =
        new BatchHeader(
            BatchLink.create(
                batch,
                before.head(),
                digest.finish(),
                list.size(),
                firstSeq,
                minReceived,
                maxReceived,
                Times.micros(Instant.now())),
            false);
    return new Written(
        header,
        new BatchDocuments(
            list, prepared.ids(), firstSeq, batch, positions, Fields.header(header)));
  }

  /** Where the block starting at event {@code start} ends: by count, then by size. */
  private static int blockEnd(List<StoredEvent> events, int start) {
    int end = start;
    long bytes = 0;
    while (end < events.size()
        && end - start < EventBlock.MAX_EVENTS
        && bytes < EventBlock.TARGET_BYTES) {
      // The model is a fraction of the raw event; the raw length decides.
      bytes += events.get(end).event().json().unsafeBytes().length + 64;
      end++;
    }
    return end;
  }

  static <T> T await(Future<T> block) throws IOException {
    try {
      return block.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("the append was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /** The threads that encode and compress blocks, made on the first append. */
  private synchronized ExecutorService pool() {
    if (compressors == null) {
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
      compressors =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "kubetrail-blocks");
                t.setDaemon(true);
                return t;
              });
    }
    return compressors;
  }

  /**
   * Removes from {@code fresh} every event the store already has; returns how many. Candidates are
   * the documents with the event's auditID term, and a candidate is the event when its identity doc
   * value is equal. Only segments whose time range holds an event's requestReceivedTimestamp can
   * hold it, which spares most lookups when events arrive roughly in time order. Removes nothing
   * when reading the index fails, so that a caller may look again.
   */
  static long removeStored(IndexReader reader, Map<BytesRef, StoredEvent> fresh)
      throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    int n = leaves.size();
    long[] min = new long[n];
    long[] max = new long[n];
    TermsEnum[] terms = new TermsEnum[n];
    for (int i = 0; i < n; i++) {
      PointValues points = leaves.get(i).reader().getPointValues(Fields.RECEIVED);
      Terms t = leaves.get(i).reader().terms(Fields.AUDIT_ID);
      if (points == null || t == null) {
        min[i] = Long.MAX_VALUE;
        max[i] = Long.MIN_VALUE;
        continue;
      }
      min[i] = LongPoint.decodeDimension(points.getMinPackedValue(), 0);
      max[i] = LongPoint.decodeDimension(points.getMaxPackedValue(), 0);
      terms[i] = t.iterator();
    }
    if (n == 0) {
      return 0;
    }
    List<BytesRef> stored = new ArrayList<>();
    PostingsEnum postings = null;
    for (Map.Entry<BytesRef, StoredEvent> entry : fresh.entrySet()) {
      AuditEvent event = entry.getValue().event();
      long received = Times.micros(event.requestReceivedTimestamp());
      BytesRef auditID = null;
      for (int i = 0; i < n; i++) {
        if (received < min[i] || received > max[i]) {
          continue;
        }
        if (auditID == null) {
          auditID = new BytesRef(Fields.keyword(event.auditID()));
        }
        if (!terms[i].seekExact(auditID)) {
          continue;
        }
        postings = terms[i].postings(postings, PostingsEnum.NONE);
        if (holds(leaves.get(i).reader(), postings, entry.getKey())) {
          stored.add(entry.getKey());
          break;
        }
      }
    }
    for (BytesRef id : stored) {
      fresh.remove(id);
    }
    return stored.size();
  }

  /** True when a live document among {@code candidates} has the identity {@code id}. */
  private static boolean holds(LeafReader reader, PostingsEnum candidates, BytesRef id)
      throws IOException {
    Bits live = reader.getLiveDocs();
    BinaryDocValues ids = reader.getBinaryDocValues(Fields.ID);
    if (ids == null) {
      return false;
    }
    for (int doc = candidates.nextDoc();
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = candidates.nextDoc()) {
      if ((live == null || live.get(doc))
          && ids.advanceExact(doc)
          && ids.binaryValue().equals(id)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void close() {
    if (compressors != null) {
      compressors.shutdownNow();
    }
  }
}
