package io.kubetrail.bench;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/** Takes every batch and keeps nothing: no checkpoints, so every run reads the whole file. */
final class DiscardingStore implements AuditStore {
  @Override
  public AppendResult append(Batch batch) {
    long n = batch.events().size();
    return new AppendResult(n, 0, n == 0 ? OptionalLong.empty() : OptionalLong.of(1));
  }

  @Override
  public Map<String, SourceCheckpoint> checkpoints() {
    return Map.of();
  }

  @Override
  public SortedSet<String> clusters() {
    return new TreeSet<>();
  }

  @Override
  public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after) {
    return new SearchPage(List.of(), Optional.empty());
  }

  @Override
  public long count(EventQuery query) {
    return 0;
  }

  @Override
  public List<HistogramBucket> histogram(EventQuery query, Duration bucket) {
    return List.of();
  }

  @Override
  public EventStream history(String cluster, ObjectKey object) {
    throw new UnsupportedOperationException("a discarding store has no history");
  }

  @Override
  public EventStream scanChanges(String cluster, Instant from, Instant to) {
    throw new UnsupportedOperationException("a discarding store has no changes");
  }

  @Override
  public VerifyResult verify(VerifyListener listener) {
    return new VerifyResult(0, 0, OptionalLong.empty(), "", "");
  }

  @Override
  public PruneResult prune(Instant olderThan) {
    return new PruneResult(0, 0);
  }

  @Override
  public StateRepository states() {
    throw new UnsupportedOperationException("a discarding store keeps no replay state");
  }

  @Override
  public void close() {}
}
