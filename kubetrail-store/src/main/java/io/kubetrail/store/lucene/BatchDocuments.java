package io.kubetrail.store.lucene;

import io.kubetrail.store.StoredEvent;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;

/**
 * A durable batch's index documents, filled as the index writer takes them: each event's from one
 * reused set of fields per indexing thread, then the batch's header. Holding the events rather than
 * built documents keeps the building off the acknowledgement's path and allocates no fields.
 */
final class BatchDocuments implements Iterable<Iterable<IndexableField>> {
  /** A batch with no new events: nothing to index. */
  static final BatchDocuments NONE =
      new BatchDocuments(List.of(), List.of(), 0, 0, new long[0], List.of());

  private static final ThreadLocal<EventDocument> DOCUMENT =
      ThreadLocal.withInitial(EventDocument::new);

  private final List<StoredEvent> events;
  private final List<BytesRef> ids;
  private final long firstSeq;
  private final long batch;
  private final long[] positions;
  private final List<Document> trailer;

  /**
   * @param positions each event's place in the block files
   * @param header the batch's header document, indexed after its events
   */
  BatchDocuments(
      List<StoredEvent> events,
      List<BytesRef> ids,
      long firstSeq,
      long batch,
      long[] positions,
      Document header) {
    this(events, ids, firstSeq, batch, positions, List.of(header));
  }

  private BatchDocuments(
      List<StoredEvent> events,
      List<BytesRef> ids,
      long firstSeq,
      long batch,
      long[] positions,
      List<Document> trailer) {
    this.events = events;
    this.ids = ids;
    this.firstSeq = firstSeq;
    this.batch = batch;
    this.positions = positions;
    this.trailer = trailer;
  }

  boolean isEmpty() {
    return events.isEmpty() && trailer.isEmpty();
  }

  /** One pass; each event's fields are valid until the next is taken, as the writer takes them. */
  @Override
  public Iterator<Iterable<IndexableField>> iterator() {
    EventDocument doc = DOCUMENT.get();
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < events.size() + trailer.size();
      }

      @Override
      public Iterable<IndexableField> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int at = i++;
        if (at >= events.size()) {
          return trailer.get(at - events.size());
        }
        return doc.fill(events.get(at), ids.get(at), firstSeq + at, batch, positions[at]);
      }
    };
  }
}
