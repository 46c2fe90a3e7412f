package io.kubetrail.store.lucene;

import io.kubetrail.store.EventQuery;
import io.kubetrail.store.ObjectKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/** Lucene queries and sorts for the store's questions, following {@link EventQuery#matches}. */
final class Queries {
  private Queries() {}

  /**
   * Newest first. The index has no sort of its own, which makes appends and merges cheaper; first
   * pages still end early, since {@link TimeOrderedSearch} reads the newest runs of events first.
   */
  static final Sort NEWEST_FIRST =
      new Sort(
          new SortField(Fields.RECEIVED, SortField.Type.LONG, true),
          new SortField(Fields.SEQ, SortField.Type.LONG, true));

  static final Sort OLDEST_FIRST =
      new Sort(
          new SortField(Fields.RECEIVED, SortField.Type.LONG),
          new SortField(Fields.SEQ, SortField.Type.LONG));

  /**
   * The order changes happened in, as far as the index can sort it: history and replay then order
   * events of equal timestamps by auditID (see {@link SortedStream}).
   */
  static final Sort HAPPENED =
      new Sort(
          new SortField(Fields.STAGE_TIME, SortField.Type.LONG),
          new SortField(Fields.RECEIVED, SortField.Type.LONG),
          new SortField(Fields.SEQ, SortField.Type.LONG));

  static final Sort BY_SEQ = new Sort(new SortField(Fields.SEQ, SortField.Type.LONG));

  static final Sort BY_BATCH = new Sort(new SortField(Fields.BATCH, SortField.Type.LONG));

  /** Every event document (no batch headers). */
  static Query allEvents() {
    return events(new BooleanQuery.Builder());
  }

  /**
   * The Lucene query for an event query. The reader lists the clusters when an object filter comes
   * without them, since an object's term names its cluster.
   */
  static Query of(EventQuery q, IndexReader reader) throws IOException {
    return of(q, reader, true);
  }

  /**
   * The Lucene query for an event query but its time range ({@code since} and {@code until}), for a
   * search that applies the range to the receive times it reads anyway ({@link TimeOrderedSearch}):
   * the range's points or doc values are then not read a second time.
   */
  static Query withoutTimeRange(EventQuery q, IndexReader reader) throws IOException {
    return of(q, reader, false);
  }

  private static Query of(EventQuery q, IndexReader reader, boolean timeRange) throws IOException {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    anyOf(b, Fields.CLUSTER, q.clusters());
    if (timeRange && (q.since().isPresent() || q.until().isPresent())) {
      long lo = q.since().map(Times::micros).orElse(Long.MIN_VALUE);
      long hi = q.until().map(Times::micros).orElse(Long.MAX_VALUE);
      if (q.until().isPresent()) {
        if (hi == Long.MIN_VALUE) {
          return new MatchNoDocsQuery("until is before every representable time");
        }
        hi = hi - 1;
      }
      b.add(longRange(Fields.RECEIVED, lo, hi), Occur.FILTER);
    }
    anyOf(b, Fields.VERB, q.verbs());
    term(b, Fields.REF_API_GROUP, q.apiGroup());
    term(b, Fields.REF_RESOURCE, q.resource());
    term(b, Fields.REF_SUBRESOURCE, q.subresource());
    term(b, Fields.REF_NAMESPACE, q.namespace());
    anyOf(b, Fields.REF_NAMESPACE, q.namespaces());
    if (q.name().isPresent()) {
      String name = Fields.keyword(q.name().get());
      BooleanQuery.Builder either = new BooleanQuery.Builder();
      either.add(new TermQuery(new Term(Fields.NAME, name)), Occur.SHOULD);
      either.add(new TermQuery(new Term(Fields.REF_NAME, name)), Occur.SHOULD);
      b.add(either.build(), Occur.FILTER);
    }
    if (q.object().isPresent()) {
      Collection<String> clusters = q.clusters().isEmpty() ? clusters(reader) : q.clusters();
      List<String> terms = new ArrayList<>(clusters.size());
      for (String cluster : clusters) {
        terms.add(Fields.objectTerm(cluster, q.object().get()));
      }
      if (terms.isEmpty()) {
        return new MatchNoDocsQuery("no cluster");
      }
      anyOf(b, Fields.OBJECT, terms);
    }
    term(b, Fields.AUDIT_ID, q.auditID());
    term(b, Fields.USER, q.user());
    term(b, Fields.GROUPS, q.group());
    term(b, Fields.IMPERSONATED_USER, q.impersonatedUser());
    term(b, Fields.SOURCE_IPS, q.sourceIP());
    term(b, Fields.USER_AGENT, q.userAgent());
    if (!q.responseCodes().isEmpty()) {
      b.add(
          IntPoint.newSetQuery(
              Fields.CODE, q.responseCodes().stream().mapToInt(Integer::intValue).toArray()),
          Occur.FILTER);
    }
    anyOf(b, Fields.LEVEL, q.levels().stream().map(Enum::name).toList());
    anyOf(b, Fields.STAGE, q.stages().stream().map(Enum::name).toList());
    term(b, Fields.DECISION, q.decision());
    if (q.excludeDryRun()) {
      b.add(new TermQuery(new Term(Fields.DRY_RUN, Fields.TRUE)), Occur.MUST_NOT);
    }
    if (q.excludeFailures()) {
      b.add(IntPoint.newRangeQuery(Fields.CODE, Integer.MIN_VALUE, 399), Occur.FILTER);
    }
    if (q.changesOnly()) {
      b.add(new TermQuery(new Term(Fields.CHANGE, Fields.TRUE)), Occur.FILTER);
    }
    return events(b);
  }

  /** Every event about one object of one cluster. */
  static Query history(String cluster, ObjectKey key) {
    return new TermQuery(new Term(Fields.OBJECT, Fields.keyword(Fields.objectTerm(cluster, key))));
  }

  /** The changes of one cluster (the stream bounds their stageTimestamp). */
  static Query changes(String cluster) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new TermQuery(new Term(Fields.CLUSTER, Fields.keyword(cluster))), Occur.FILTER);
    b.add(new TermQuery(new Term(Fields.CHANGE, Fields.TRUE)), Occur.FILTER);
    return b.build();
  }

  /** The changes of one cluster to objects of the given resources (any group). */
  static Query changes(String cluster, Collection<String> resources) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(changes(cluster), Occur.FILTER);
    anyOf(b, Fields.REF_RESOURCE, resources);
    return b.build();
  }

  /** The events of one batch. */
  static Query batchEvents(long batch) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(LongPoint.newExactQuery(Fields.BATCH, batch), Occur.FILTER);
    return events(b);
  }

  /** The events of batches {@code first} to {@code last}. */
  static Query eventsOfBatches(long first, long last) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(LongPoint.newRangeQuery(Fields.BATCH, first, last), Occur.FILTER);
    return events(b);
  }

  /** Every batch header, live or pruned. */
  static Query headers() {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new TermQuery(new Term(Fields.HEADER, Fields.LIVE)), Occur.SHOULD);
    b.add(new TermQuery(new Term(Fields.HEADER, Fields.PRUNED)), Occur.SHOULD);
    return b.build();
  }

  /** Headers of live batches whose newest event is before the cutoff. */
  static Query prunable(long cutoffMicros) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new TermQuery(new Term(Fields.HEADER, Fields.LIVE)), Occur.FILTER);
    b.add(
        LongPoint.newRangeQuery(Fields.HEADER_MAX_RECEIVED, Long.MIN_VALUE, cutoffMicros - 1),
        Occur.FILTER);
    return b.build();
  }

  static Query prunedHeaders() {
    return new TermQuery(new Term(Fields.HEADER, Fields.PRUNED));
  }

  /** Every document (events and header) of the given batches. */
  static Query batches(Collection<Long> batches) {
    return LongPoint.newSetQuery(Fields.BATCH, batches);
  }

  private static Query events(BooleanQuery.Builder b) {
    // Batch headers share the index; a sparse MUST_NOT keeps them out at little cost.
    b.add(new MatchAllDocsQuery(), Occur.FILTER);
    b.add(new TermQuery(new Term(Fields.HEADER, Fields.LIVE)), Occur.MUST_NOT);
    b.add(new TermQuery(new Term(Fields.HEADER, Fields.PRUNED)), Occur.MUST_NOT);
    return b.build();
  }

  /** A range of a long field; points or doc values, whichever is cheaper in the query at hand. */
  static Query longRange(String field, long lo, long hi) {
    return new IndexOrDocValuesQuery(
        LongPoint.newRangeQuery(field, lo, hi),
        NumericDocValuesField.newSlowRangeQuery(field, lo, hi));
  }

  /** Every cluster with events in the index, sorted. */
  static SortedSet<String> clusters(IndexReader reader) throws IOException {
    SortedSet<String> clusters = new TreeSet<>();
    Terms terms = MultiTerms.getTerms(reader, Fields.CLUSTER);
    if (terms != null) {
      TermsEnum it = terms.iterator();
      for (BytesRef t = it.next(); t != null; t = it.next()) {
        clusters.add(t.utf8ToString());
      }
    }
    return clusters;
  }

  private static void term(BooleanQuery.Builder b, String field, Optional<String> value) {
    value.ifPresent(v -> b.add(new TermQuery(new Term(field, Fields.keyword(v))), Occur.FILTER));
  }

  private static void anyOf(BooleanQuery.Builder b, String field, Collection<String> values) {
    if (values.isEmpty()) {
      return;
    }
    if (values.size() == 1) {
      term(b, field, Optional.of(values.iterator().next()));
      return;
    }
    List<BytesRef> terms = new ArrayList<>(values.size());
    for (String v : values) {
      terms.add(new BytesRef(Fields.keyword(v)));
    }
    b.add(new TermInSetQuery(field, terms), Occur.FILTER);
  }
}
