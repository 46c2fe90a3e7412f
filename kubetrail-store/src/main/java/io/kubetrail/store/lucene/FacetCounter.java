package io.kubetrail.store.lucene;

import io.kubetrail.store.FacetField;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * Counts the values of one field over the events a query matches: marks the matching documents,
 * then walks the field's postings (or points, for the response code) once, so the cost is one pass
 * over the field whatever the number of distinct values.
 */
final class FacetCounter {
  private FacetCounter() {}

  static Map<String, Long> count(IndexSearcher searcher, Query query, FacetField field)
      throws IOException {
    Map<Integer, FixedBitSet> matching = searcher.search(query, new Marker());
    Map<String, Long> counts = new HashMap<>();
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FixedBitSet bits = matching.get(leaf.ord);
      if (bits != null) {
        if (field == FacetField.CODE) {
          countPoints(leaf.reader(), bits, counts);
        } else {
          countTerms(leaf.reader(), fieldName(field), bits, counts);
        }
      }
    }
    return counts;
  }

  private static String fieldName(FacetField field) {
    return switch (field) {
      case NAMESPACE -> Fields.REF_NAMESPACE;
      case RESOURCE -> Fields.REF_RESOURCE;
      case USER -> Fields.USER;
      case VERB -> Fields.VERB;
      case CODE -> Fields.CODE;
    };
  }

  private static void countTerms(
      LeafReader reader, String field, FixedBitSet bits, Map<String, Long> counts)
      throws IOException {
    Terms terms = reader.terms(field);
    if (terms == null) {
      return;
    }
    TermsEnum it = terms.iterator();
    PostingsEnum postings = null;
    for (BytesRef t = it.next(); t != null; t = it.next()) {
      postings = it.postings(postings, PostingsEnum.NONE);
      long n = 0;
      for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
        if (bits.get(d)) {
          n++;
        }
      }
      if (n > 0) {
        counts.merge(t.utf8ToString(), n, Long::sum);
      }
    }
  }

  private static void countPoints(LeafReader reader, FixedBitSet bits, Map<String, Long> counts)
      throws IOException {
    PointValues points = reader.getPointValues(Fields.CODE);
    if (points == null) {
      return;
    }
    Map<Integer, long[]> byCode = new HashMap<>();
    points.intersect(
        new PointValues.IntersectVisitor() {
          @Override
          public void visit(int docID) {
            throw new IllegalStateException("every cell is visited by value");
          }

          @Override
          public void visit(int docID, byte[] packedValue) {
            if (bits.get(docID)) {
              byCode
                  .computeIfAbsent(IntPoint.decodeDimension(packedValue, 0), k -> new long[1])[0]++;
            }
          }

          @Override
          public PointValues.Relation compare(byte[] minPackedValue, byte[] maxPackedValue) {
            return PointValues.Relation.CELL_CROSSES_QUERY;
          }
        });
    byCode.forEach((code, n) -> counts.merge(Integer.toString(code), n[0], Long::sum));
  }

  /** Marks the matching documents of each segment. */
  private static final class Marker
      implements CollectorManager<Marker.Collector, Map<Integer, FixedBitSet>> {
    @Override
    public Collector newCollector() {
      return new Collector();
    }

    @Override
    public Map<Integer, FixedBitSet> reduce(Collection<Collector> collectors) {
      Map<Integer, FixedBitSet> all = new HashMap<>();
      for (Collector c : collectors) {
        all.putAll(c.bits);
      }
      return all;
    }

    static final class Collector extends SimpleCollector {
      final Map<Integer, FixedBitSet> bits = new HashMap<>();
      private FixedBitSet current;

      @Override
      protected void doSetNextReader(LeafReaderContext context) {
        current = new FixedBitSet(context.reader().maxDoc());
        bits.put(context.ord, current);
      }

      @Override
      public void collect(int doc) {
        current.set(doc);
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
      }
    }
  }
}
