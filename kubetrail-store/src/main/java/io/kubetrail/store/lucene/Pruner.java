package io.kubetrail.store.lucene;

import io.kubetrail.store.PruneResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;

/**
 * Removes the batches whose events are all older than a cutoff. A pruned batch keeps its header,
 * marked pruned, as its link in the chain, until every batch before it is pruned too: then the
 * chain's anchor moves past it and its header goes. Block files none of whose batches has an event
 * left are deleted. Runs under the {@link Appender}'s lock.
 */
final class Pruner {
  private final Appender appender;
  private final Searchers searchers;
  private final BlockFiles blockFiles;

  Pruner(Appender appender, Searchers searchers, BlockFiles blockFiles) {
    this.appender = appender;
    this.searchers = searchers;
    this.blockFiles = blockFiles;
  }

  /** Prunes every prunable batch, up to {@code perCommit} in each commit, which bounds memory. */
  PruneResult prune(long cutoff, int perCommit) throws IOException {
    long batches = 0;
    long events = 0;
    while (true) {
      PruneResult step = step(cutoff, perCommit);
      batches += step.batches();
      events += step.events();
      if (step.batches() < perCommit) {
        return new PruneResult(batches, events);
      }
    }
  }

  /** Prunes the oldest-numbered prunable batches, up to {@code limit}, in one commit. */
  PruneResult step(long cutoff, int limit) throws IOException {
    IndexWriter writer = appender.writer();
    appender.refresh();
    CommitState before = appender.committed();
    List<BatchHeader> prunable;
    Map<Long, BatchHeader> tombstones = new TreeMap<>();
    IndexSearcher searcher = searchers.acquire();
    try {
      prunable = BatchHeaders.read(searcher, Queries.prunable(cutoff), limit);
      if (prunable.isEmpty()) {
        return new PruneResult(0, 0);
      }
      for (BatchHeader h :
          BatchHeaders.read(searcher, Queries.prunedHeaders(), Integer.MAX_VALUE)) {
        tombstones.put(h.batch(), h);
      }
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
    long events = 0;
    for (BatchHeader h : prunable) {
      tombstones.put(h.batch(), h.asPruned());
      events += h.link().count();
    }
    // Pruned batches right after the anchor need no header any more: the anchor moves past them.
    long anchor = before.anchorBatch();
    byte[] anchorHash = before.anchorHash();
    Set<Long> dropHeaders = new HashSet<>();
    while (tombstones.containsKey(anchor + 1)) {
      BatchHeader h = tombstones.remove(anchor + 1);
      anchor = h.batch();
      anchorHash = h.link().hash();
      dropHeaders.add(h.batch());
    }
    CommitState after = before.withPrune(anchor, anchorHash, cutoff);
    try {
      Set<Long> delete = new HashSet<>(dropHeaders);
      prunable.forEach(h -> delete.add(h.batch()));
      writer.deleteDocuments(Queries.batches(delete));
      for (BatchHeader h : prunable) {
        if (!dropHeaders.contains(h.batch())) {
          writer.addDocument(Fields.header(h.asPruned()));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw appender.pruneFailed(before, e);
    }
    appender.commitPrune(before, after);
    deletePrunedBlockFiles(after);
    return new PruneResult(prunable.size(), events);
  }

  /**
   * Deletes the block files none of whose batches has an event left. The newest file, which appends
   * go to, is kept. A file that cannot be deleted now is deleted by a later prune.
   */
  private void deletePrunedBlockFiles(CommitState state) throws IOException {
    List<Long> files = new ArrayList<>(blockFiles.list().keySet());
    IndexSearcher searcher = searchers.acquire();
    try {
      for (int i = 0; i + 1 < files.size() && files.get(i) < state.blockFile(); i++) {
        long first = blockFiles.firstBatch(files.get(i));
        long next = blockFiles.firstBatch(files.get(i + 1));
        if (searcher.count(Queries.eventsOfBatches(first, next - 1)) == 0) {
          blockFiles.delete(files.get(i));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }
}
