package io.kubetrail.store.lucene;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.IndexableFieldType;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;

/**
 * What the index holds for each document — its terms, points and doc values — as one number, so
 * that verify can tell whether the index still agrees with the stored events: an index edited
 * underneath them would make searches find or miss events against their stored content.
 *
 * <p>A document's fingerprint is the sum of a keyed hash of each of its entries (field, kind,
 * value), distinct terms counted once as postings count them. The key is drawn at random for each
 * check, so an edit cannot be made to keep the sum without knowing it. Holds 8 bytes per document
 * of the view it was made for. Thread-safe once made.
 */
final class IndexFingerprints {
  private static final int TERM = 1;
  private static final int POINT = 2;
  private static final int NUMERIC = 3;
  private static final int BINARY = 4;
  private static final int OTHER_DOC_VALUES = 5;

  private final SipHash hash;
  private final Map<String, long[]> tweaks = new ConcurrentHashMap<>();
  private final List<LeafReaderContext> leaves;
  private final long[][] actual;

  private IndexFingerprints(IndexReader reader, SipHash hash) {
    this.hash = hash;
    this.leaves = reader.leaves();
    this.actual = new long[leaves.size()][];
  }

  /** Reads every entry of the index once. */
  static IndexFingerprints of(IndexReader reader) throws IOException {
    SecureRandom random = new SecureRandom();
    IndexFingerprints f =
        new IndexFingerprints(reader, new SipHash(random.nextLong(), random.nextLong()));
    for (int i = 0; i < f.leaves.size(); i++) {
      f.actual[i] = f.read(f.leaves.get(i).reader());
    }
    return f;
  }

  /** The fingerprint of what the index holds for document {@code doc} (of the whole view). */
  long actual(int doc) {
    int leaf = ReaderUtil.subIndex(doc, leaves);
    return actual[leaf][doc - leaves.get(leaf).docBase];
  }

  /**
   * The fingerprint of what indexing {@code doc} writes. Its fields must not repeat a term (as
   * {@link Fields} writes them): postings hold each term of a document once.
   */
  long expected(Iterable<? extends IndexableField> doc) {
    long sum = 0;
    for (IndexableField field : doc) {
      IndexableFieldType type = field.fieldType();
      String name = field.name();
      if (type.indexOptions() != IndexOptions.NONE) {
        BytesRef term =
            field.binaryValue() != null ? field.binaryValue() : new BytesRef(field.stringValue());
        sum += entry(name, TERM, term);
      }
      if (type.pointDimensionCount() > 0) {
        sum += entry(name, POINT, field.binaryValue());
      }
      if (type.docValuesType() == DocValuesType.NUMERIC) {
        sum += entry(name, NUMERIC, field.numericValue().longValue());
      } else if (type.docValuesType() == DocValuesType.BINARY) {
        sum += entry(name, BINARY, field.binaryValue());
      } else if (type.docValuesType() != DocValuesType.NONE) {
        sum += entry(name, OTHER_DOC_VALUES, type.docValuesType().ordinal());
      }
    }
    return sum;
  }

  private long[] read(LeafReader reader) throws IOException {
    long[] sums = new long[reader.maxDoc()];
    for (FieldInfo info : reader.getFieldInfos()) {
      String name = info.name;
      if (info.getIndexOptions() != IndexOptions.NONE) {
        addTerms(reader, name, sums);
      }
      if (info.getPointDimensionCount() > 0) {
        addPoints(reader, name, sums);
      }
      switch (info.getDocValuesType()) {
        case NONE -> {}
        case NUMERIC -> {
          NumericDocValues values = reader.getNumericDocValues(name);
          for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
            sums[d] += entry(name, NUMERIC, values.longValue());
          }
        }
        case BINARY -> {
          BinaryDocValues values = reader.getBinaryDocValues(name);
          for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
            sums[d] += entry(name, BINARY, values.binaryValue());
          }
        }
        default -> {
          // The store writes no other kind: a document that has one does not match.
          DocIdSetIterator values = otherDocValues(reader, info);
          for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
            sums[d] += entry(name, OTHER_DOC_VALUES, info.getDocValuesType().ordinal());
          }
        }
      }
    }
    return sums;
  }

  private void addTerms(LeafReader reader, String name, long[] sums) throws IOException {
    Terms terms = reader.terms(name);
    if (terms == null) {
      return;
    }
    TermsEnum te = terms.iterator();
    PostingsEnum postings = null;
    for (BytesRef term = te.next(); term != null; term = te.next()) {
      long h = entry(name, TERM, term);
      postings = te.postings(postings, PostingsEnum.NONE);
      for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
        sums[d] += h;
      }
    }
  }

  private void addPoints(LeafReader reader, String name, long[] sums) throws IOException {
    PointValues points = reader.getPointValues(name);
    if (points == null) {
      return;
    }
    points.intersect(
        new PointValues.IntersectVisitor() {
          @Override
          public void visit(int docID) {
            throw new AssertionError("every cell crosses, so every value is visited");
          }

          @Override
          public void visit(int docID, byte[] packedValue) {
            sums[docID] += entry(name, POINT, new BytesRef(packedValue));
          }

          @Override
          public PointValues.Relation compare(byte[] minPackedValue, byte[] maxPackedValue) {
            return PointValues.Relation.CELL_CROSSES_QUERY;
          }
        });
  }

  private static DocIdSetIterator otherDocValues(LeafReader reader, FieldInfo info)
      throws IOException {
    return switch (info.getDocValuesType()) {
      case SORTED -> reader.getSortedDocValues(info.name);
      case SORTED_NUMERIC -> reader.getSortedNumericDocValues(info.name);
      case SORTED_SET -> reader.getSortedSetDocValues(info.name);
      default -> throw new AssertionError(info.getDocValuesType());
    };
  }

  private long entry(String field, int kind, BytesRef value) {
    return hash.hash(tweak(field, kind), value.bytes, value.offset, value.length);
  }

  private long entry(String field, int kind, long value) {
    byte[] longBytes = new byte[Long.BYTES];
    for (int i = 0; i < Long.BYTES; i++) {
      longBytes[i] = (byte) (value >>> (8 * i));
    }
    return hash.hash(tweak(field, kind), longBytes, 0, Long.BYTES);
  }

  /** A key of its own for each field and kind of entry. */
  private long tweak(String field, int kind) {
    long[] byKind = tweaks.get(field);
    if (byKind == null) {
      byte[] name = field.getBytes(StandardCharsets.UTF_8);
      byKind = new long[OTHER_DOC_VALUES + 1];
      for (int k = 1; k < byKind.length; k++) {
        byKind[k] = hash.hash(k, name, 0, name.length);
      }
      tweaks.putIfAbsent(field, byKind);
    }
    return byKind[kind];
  }
}
