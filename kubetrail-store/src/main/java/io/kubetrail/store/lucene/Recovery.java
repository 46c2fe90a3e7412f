package io.kubetrail.store.lucene;

import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.IndexWriter;

/**
 * Brings the index up to the block files when a writer opens the store: the batches acknowledged
 * after the index's last commit are indexed again from their blocks, and an append that was never
 * acknowledged is cut off.
 */
final class Recovery {
  private Recovery() {}

  /**
   * Indexes the batches the block files hold past the index's commit (acknowledged, but not yet in
   * a commit of the index when the last writer stopped), cuts off what follows them (an append that
   * was never acknowledged), and commits. Returns the state with them.
   */
  static CommitState recover(
      Path location, IndexWriter writer, BlockFiles blocks, CommitState fromCommit)
      throws IOException {
    CommitState[] state = {fromCommit};
    long[] end =
        blocks.scan(
            fromCommit.blockFile(),
            fromCommit.blockLength(),
            (file, positions, record, recordEnd) -> {
              CommitState s = state[0];
              if (record.header().isPresent()) {
                BatchHeader h = record.header().get();
                reindex(location, writer, blocks, s, h, positions);
                s = s.withBatch(h.link());
              }
              state[0] = s.withCheckpoints(record.checkpoints()).withBlocks(file, recordEnd);
            });
    blocks.rollbackTo(end[0], end[1]);
    return state[0];
  }

  /** Indexes one batch again from its blocks, checking that it continues the chain. */
  private static void reindex(
      Path location,
      IndexWriter writer,
      BlockFiles blocks,
      CommitState before,
      BatchHeader header,
      List<Long> positions)
      throws IOException {
    BatchLink h = header.link();
    if (h.batch() != before.lastBatch() + 1
        || h.firstSeq() != before.nextSeq()
        || !Arrays.equals(h.prevHash(), before.head())) {
      throw new StoreCorruptException(
          location,
          "the store is damaged: the block files hold batch "
              + h.batch()
              + " after batch "
              + before.lastBatch()
              + ", and it does not continue the hash chain; "
              + StoreFiles.WHAT_TO_DO);
    }
    long seq = h.firstSeq();
    EventDocument document = new EventDocument();
    for (long position : positions) {
      EventBlock.Decoded block = blocks.read(position);
      for (int slot = 0; slot < block.events(); slot++, seq++) {
        StoredEvent event = block.event(slot);
        writer.addDocument(document.fill(event, Fields.id(event), seq, h.batch(), position | slot));
      }
    }
    if (seq != h.firstSeq() + h.count()) {
      throw new StoreCorruptException(
          location,
          "the store is damaged: batch "
              + h.batch()
              + " in the block files holds "
              + (seq - h.firstSeq())
              + " events, its header says "
              + h.count()
              + "; "
              + StoreFiles.WHAT_TO_DO);
    }
    writer.addDocument(Fields.header(header));
  }
}
