package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/** Reads batch headers, which the index stores beside the events' documents. */
final class BatchHeaders {
  private BatchHeaders() {}

  /** The first headers matching a query, by batch number. */
  static List<BatchHeader> read(
      IndexSearcher searcher, org.apache.lucene.search.Query query, int limit) throws IOException {
    int n = Math.max(1, Math.min(limit, searcher.count(query)));
    TopFieldDocs docs = searcher.search(query, n, Queries.BY_BATCH, false);
    StoredFields fields = searcher.storedFields();
    List<BatchHeader> headers = new ArrayList<>(docs.scoreDocs.length);
    for (ScoreDoc hit : docs.scoreDocs) {
      headers.add(read(fields, hit.doc));
    }
    return headers;
  }

  static BatchHeader read(StoredFields fields, int doc) throws IOException {
    BytesRef data =
        fields.document(doc, Set.of(Fields.HEADER_DATA)).getBinaryValue(Fields.HEADER_DATA);
    if (data == null) {
      throw new CorruptIndexException("batch header document has no data", "document " + doc);
    }
    return BatchHeader.decode(BytesRef.deepCopyOf(data).bytes);
  }
}
