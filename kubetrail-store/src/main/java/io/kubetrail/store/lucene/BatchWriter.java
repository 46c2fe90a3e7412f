package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Writes a batch: its events into blocks of the block files and their documents into the index.
 * Blocks are encoded and compressed, and their events indexed, on a pool of threads; the appending
 * thread writes the blocks in order and digests the batch.
 */
final class BatchWriter implements AutoCloseable {
  private final LuceneOptions options;
  private final BlockFiles blockFiles;

  /** Made on the first append. */
  private ExecutorService compressors;

  /** Held while a block's documents are added. */
  private final Object indexing = new Object();

  BatchWriter(LuceneOptions options, BlockFiles blockFiles) {
    this.options = options;
    this.blockFiles = blockFiles;
  }

  /**
   * Writes the events, numbered and in the order given, into blocks of the block files and makes
   * them durable; adds their documents and the batch header to the writer; returns the header.
   * Blocks are encoded and compressed on other threads while this one indexes the blocks before
   * them. The index has no sort: a flush writes documents in the order they were added.
   */
  BatchHeader write(IndexWriter writer, CommitState before, Map<BytesRef, StoredEvent> events)
      throws IOException {
    long batch = before.lastBatch() + 1;
    long firstSeq = before.nextSeq();
    List<BytesRef> ids = new ArrayList<>(events.keySet());
    List<StoredEvent> list = new ArrayList<>(events.values());
    long file = blockFiles.beginBatch(batch);
    // Each block starts where the one before ends: a worker learns its offset from the previous
    // worker as soon as that one has compressed, then indexes its events; the files are written
    // in order on this thread.
    List<Future<Prepared>> blocks = new ArrayList<>();
    ExecutorService pool = pool();
    CompletableFuture<Long> previousEnd =
        CompletableFuture.completedFuture(blockFiles.appendingLength());
    for (int start = 0; start < list.size(); ) {
      int end = blockEnd(list, start);
      int first = start;
      CompletableFuture<Long> offset = previousEnd;
      CompletableFuture<Long> blockEnd = new CompletableFuture<>();
      blocks.add(
          pool.submit(
              () ->
                  prepare(writer, list, ids, first, end, firstSeq, batch, file, offset, blockEnd)));
      previousEnd = blockEnd;
      start = end;
    }
    long minReceived = Long.MAX_VALUE;
    long maxReceived = Long.MIN_VALUE;
    BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
    long seq = firstSeq;
    try {
      for (Future<Prepared> pending : blocks) {
        Prepared prepared = await(pending);
        long offset = blockFiles.write(prepared.block().bytes());
        if (offset != prepared.offset()) {
          throw new IllegalStateException(
              "block written at " + offset + ", its events point at " + prepared.offset());
        }
        byte[][] models = prepared.block().models();
        for (int slot = 0; slot < models.length; slot++, seq++) {
          StoredEvent event = list.get((int) (seq - firstSeq));
          byte[] raw = event.event().json().unsafeBytes();
          digest.add(seq, models[slot], raw, 0, raw.length);
          long received = Times.micros(event.event().requestReceivedTimestamp());
          minReceived = Math.min(minReceived, received);
          maxReceived = Math.max(maxReceived, received);
        }
      }
    } catch (AlreadyClosedException e) {
      // Another worker's failure closed the writer: report that failure, not its consequence.
      if (writer.getTragicException() instanceof IOException io) {
        throw io;
      }
      throw e;
    } finally {
      // A failed append rolls the writer back: no worker may still be adding documents.
      for (Future<Prepared> pending : blocks) {
        try {
          pending.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          // Reported by await.
        }
      }
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
    writer.addDocument(Fields.header(header));
    return header;
  }

  /** A block ready to be written at its offset, its events indexed. */
  private record Prepared(EventBlock.Built block, long offset) {}

  /**
   * Encodes and compresses events {@code from} to {@code to} into a block, learns the block's
   * offset from the block before it and passes its end on, then indexes the events.
   */
  private Prepared prepare(
      IndexWriter writer,
      List<StoredEvent> events,
      List<BytesRef> ids,
      int from,
      int to,
      long firstSeq,
      long batch,
      long file,
      CompletableFuture<Long> offset,
      CompletableFuture<Long> end)
      throws IOException {
    long at;
    EventBlock.Built block;
    try {
      block = EventBlock.build(batch, events.subList(from, to), options.compression());
      at = await(offset);
      end.complete(at + block.bytes().length);
    } catch (IOException | RuntimeException | Error e) {
      end.completeExceptionally(e);
      throw e;
    }
    // The documents are filled one at a time as the writer takes them, in one set of fields.
    EventDocument doc = DOCUMENT.get();
    Iterable<List<IndexableField>> docs =
        () ->
            new Iterator<>() {
              int i = from;

              @Override
              public boolean hasNext() {
                return i < to;
              }

              @Override
              public List<IndexableField> next() {
                if (i >= to) {
                  throw new NoSuchElementException();
                }
                long position = BlockFiles.position(file, at, i - from);
                List<IndexableField> fields =
                    doc.fill(events.get(i), ids.get(i), firstSeq + i, batch, position);
                i++;
                return fields;
              }
            };
    // One block at a time, so that the writer buffers a batch in one segment, not one per thread:
    // each append's refresh then writes one segment, and merges have half as many to merge.
    synchronized (indexing) {
      writer.addDocuments(docs);
    }
    return new Prepared(block, at);
  }

  /** Each block thread's document, its fields reused from event to event. */
  private static final ThreadLocal<EventDocument> DOCUMENT =
      ThreadLocal.withInitial(EventDocument::new);

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
  private ExecutorService pool() {
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
   * hold it, which spares most lookups when events arrive roughly in time order.
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
    long removed = 0;
    PostingsEnum postings = null;
    var it = fresh.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
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
          it.remove();
          removed++;
          break;
        }
      }
    }
    return removed;
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
  public void close() {
    if (compressors != null) {
      compressors.shutdownNow();
    }
  }
}
