package io.kubetrail.store.lucene;

import io.kubetrail.event.RawJson;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;

/** Reads stored events back out of their documents. */
final class StoredEvents {
  private static final Set<String> EVENT_FIELDS = Set.of(Fields.MODEL, Fields.RAW);

  private StoredEvents() {}

  /** The events of these hits, in the hits' order. */
  static List<StoredEvent> load(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
    // Stored fields are read in document order, which is also the order on disk.
    int[] order = new int[hits.length];
    Integer[] byDoc = new Integer[hits.length];
    for (int i = 0; i < hits.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
    for (int i = 0; i < hits.length; i++) {
      order[i] = byDoc[i];
    }
    StoredFields fields = searcher.storedFields();
    StoredEvent[] events = new StoredEvent[hits.length];
    for (int i : order) {
      events[i] = load(fields, hits[i].doc);
    }
    return new ArrayList<>(Arrays.asList(events));
  }

  static StoredEvent load(StoredFields fields, int doc) throws IOException {
    Document d = fields.document(doc, EVENT_FIELDS);
    BytesRef model = d.getBinaryValue(Fields.MODEL);
    BytesRef raw = d.getBinaryValue(Fields.RAW);
    if (model == null || raw == null) {
      throw new IOException("document " + doc + " is not a stored event (fields missing)");
    }
    return EventCodec.decode(
        BytesRef.deepCopyOf(model).bytes, RawJson.of(raw.bytes, raw.offset, raw.length));
  }
}
