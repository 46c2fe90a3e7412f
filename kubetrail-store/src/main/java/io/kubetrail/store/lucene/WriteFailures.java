package io.kubetrail.store.lucene;

import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.SegmentInfos;

/**
 * What a failed append or prune leaves in the block files, and what it reports: after the index
 * writer was rolled back, the bytes past the last acknowledged write are cut off, unless the failed
 * write's index commit became visible before it failed (then it is stored); the report says which.
 */
final class WriteFailures {
  private final Searchers searchers;
  private final BlockFiles blockFiles;

  /** Whether the last failed write was cut off whole (see {@link #cutOff}). */
  private boolean untouched;

  WriteFailures(Searchers searchers, BlockFiles blockFiles) {
    this.searchers = searchers;
    this.blockFiles = blockFiles;
  }

  /**
   * Cuts the block files back to the acknowledged state, unless the index's commit holds more (the
   * failed write landed). What fails is added to {@code failure}.
   */
  void cutOff(CommitState acknowledged, Throwable failure) {
    untouched = false;
    try {
      CommitState inIndex =
          CommitState.read(
              searchers.location(),
              SegmentInfos.readLatestCommit(searchers.directory()).getUserData());
      if (!landed(inIndex, acknowledged)) {
        blockFiles.rollbackTo(acknowledged.blockFile(), acknowledged.blockLength());
        untouched = true;
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Whether the index's commit holds more than the acknowledged state: the failed write landed. */
  private static boolean landed(CommitState inIndex, CommitState acknowledged) {
    return inIndex.lastBatch() > acknowledged.lastBatch()
        || inIndex.anchorBatch() != acknowledged.anchorBatch()
        || inIndex.prunedBefore() != acknowledged.prunedBefore()
        || inIndex.blockFile() > acknowledged.blockFile()
        || (inIndex.blockFile() == acknowledged.blockFile()
            && inIndex.blockLength() > acknowledged.blockLength());
  }

  /**
   * What a failed append or prune throws, given the state before it and the state the store
   * reopened on. A merge that met a damaged segment is reported as damage (a failed write
   * otherwise, as a full disk, checks no files: that would read the whole store).
   */
  IOException report(String what, CommitState before, CommitState committed, Throwable e) {
    if (e instanceof Error error) {
      throw error;
    }
    if (e instanceof RuntimeException
        || e instanceof CorruptIndexException
        || e instanceof EOFException) {
      IOException diagnosed =
          StoreErrors.diagnose(searchers.location(), searchers.directory(), Optional.empty(), e);
      if (diagnosed instanceof StoreCorruptException || !(e instanceof IOException)) {
        return diagnosed;
      }
    }
    IOException io = (IOException) e;
    return new StoreException(searchers.location(), failedWrite(what, before, committed, io), io);
  }

  /**
   * What a failed write left, judged from the commit the store reopened on: usually nothing (the
   * failure came before the commit point), but a failure while finishing a commit may leave it in
   * place, and then it is not certain to survive a power loss.
   */
  private String failedWrite(
      String what, CommitState before, CommitState committed, IOException cause) {
    boolean whole =
        untouched
            && committed.lastBatch() == before.lastBatch()
            && committed.anchorBatch() == before.anchorBatch()
            && committed.prunedBefore() == before.prunedBefore()
            && committed.checkpoints().equals(before.checkpoints());
    return what
        + " failed ("
        + cause.getMessage()
        + "); "
        + (whole
            ? "it was rolled back and nothing of it is stored; the store is still usable"
            : "it may or may not be stored: retry it (appending is idempotent), and run verify");
  }
}
