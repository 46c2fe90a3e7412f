package io.kubetrail.store.lucene;

import io.kubetrail.store.BatchLink;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreCorruptException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's state as of one Lucene commit, kept in the commit's user data so that it is durable
 * exactly when the documents of that commit are.
 *
 * @param nextSeq the sequence number the next stored event gets
 * @param lastBatch the sequence number of the newest batch (0 before the first)
 * @param head the newest batch's hash (the chain head), or the anchor's when no batch is left
 * @param anchorBatch the newest batch removed by pruning whose header is no longer kept (0 for
 *     none)
 * @param anchorHash that batch's hash: the first kept batch must link to it
 * @param prunedBefore the latest prune cutoff (microseconds); a pruned batch is newer than nothing
 *     after it
 * @param checkpoints committed source checkpoints
 * @param blockFile the newest block file holding events (0 before the first)
 * @param blockLength how much of that file is durable and belongs to committed batches
 */
record CommitState(
    long nextSeq,
    long lastBatch,
    byte[] head,
    long anchorBatch,
    byte[] anchorHash,
    long prunedBefore,
    Map<String, SourceCheckpoint> checkpoints,
    long blockFile,
    long blockLength) {

  static final String FORMAT_KEY = "kubetrail.format";
  static final String FORMAT = "kubetrail-store-4";
  private static final String NEXT_SEQ = "kubetrail.nextSeq";
  private static final String LAST_BATCH = "kubetrail.lastBatch";
  private static final String HEAD = "kubetrail.head";
  private static final String ANCHOR_BATCH = "kubetrail.anchorBatch";
  private static final String ANCHOR_HASH = "kubetrail.anchorHash";
  private static final String PRUNED_BEFORE = "kubetrail.prunedBefore";
  private static final String BLOCK_FILE = "kubetrail.blockFile";
  private static final String BLOCK_LENGTH = "kubetrail.blockLength";
  private static final String CHECKPOINT_PREFIX = "checkpoint.";

  CommitState {
    checkpoints = Map.copyOf(checkpoints);
  }

  static CommitState empty() {
    return new CommitState(
        1, 0, BatchLink.zeroHash(), 0, BatchLink.zeroHash(), Long.MIN_VALUE, Map.of(), 0, 0);
  }

  /**
   * The state a commit of the store at {@code location} holds ({@link #fromUserData}).
   *
   * @throws StoreCorruptException when the data is not a kubetrail store's of this format
   */
  static CommitState read(Path location, Map<String, String> userData)
      throws StoreCorruptException {
    try {
      return fromUserData(userData);
    } catch (IllegalArgumentException e) {
      throw new StoreCorruptException(location, e.getMessage(), e);
    }
  }

  /**
   * Reads the state from commit user data.
   *
   * @throws IllegalArgumentException when the data is not a kubetrail store's, naming what is wrong
   */
  static CommitState fromUserData(Map<String, String> data) {
    String format = data.get(FORMAT_KEY);
    if (format == null) {
      throw new IllegalArgumentException(
          "this is a Lucene index but not a kubetrail store (its commit has no "
              + FORMAT_KEY
              + ")");
    }
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException(
          "store format is "
              + format
              + ", this version of kubetrail reads "
              + FORMAT
              + " only: ingest the audit logs again into a new store directory");
    }
    Map<String, SourceCheckpoint> checkpoints = new HashMap<>();
    for (Map.Entry<String, String> e : data.entrySet()) {
      if (e.getKey().startsWith(CHECKPOINT_PREFIX)) {
        checkpoints.put(
            e.getKey().substring(CHECKPOINT_PREFIX.length()), new SourceCheckpoint(e.getValue()));
      }
    }
    return new CommitState(
        number(data, NEXT_SEQ),
        number(data, LAST_BATCH),
        hash(data, HEAD),
        number(data, ANCHOR_BATCH),
        hash(data, ANCHOR_HASH),
        number(data, PRUNED_BEFORE),
        checkpoints,
        number(data, BLOCK_FILE),
        number(data, BLOCK_LENGTH));
  }

  Map<String, String> toUserData() {
    Map<String, String> data = new TreeMap<>();
    data.put(FORMAT_KEY, FORMAT);
    data.put(NEXT_SEQ, Long.toString(nextSeq));
    data.put(LAST_BATCH, Long.toString(lastBatch));
    data.put(HEAD, BatchLink.hex(head));
    data.put(ANCHOR_BATCH, Long.toString(anchorBatch));
    data.put(ANCHOR_HASH, BatchLink.hex(anchorHash));
    data.put(PRUNED_BEFORE, Long.toString(prunedBefore));
    data.put(BLOCK_FILE, Long.toString(blockFile));
    data.put(BLOCK_LENGTH, Long.toString(blockLength));
    for (Map.Entry<String, SourceCheckpoint> c : checkpoints.entrySet()) {
      data.put(CHECKPOINT_PREFIX + c.getKey(), c.getValue().position());
    }
    return data;
  }

  CommitState withBatch(BatchLink link) {
    return new CommitState(
        link.lastSeq() + 1,
        link.batch(),
        link.hash(),
        anchorBatch,
        anchorHash,
        prunedBefore,
        checkpoints,
        blockFile,
        blockLength);
  }

  /** With the block files durable up to this file and length. */
  CommitState withBlocks(long file, long length) {
    return new CommitState(
        nextSeq, lastBatch, head, anchorBatch, anchorHash, prunedBefore, checkpoints, file, length);
  }

  CommitState withCheckpoints(Map<String, SourceCheckpoint> advanced) {
    Map<String, SourceCheckpoint> merged = new HashMap<>(checkpoints);
    merged.putAll(advanced);
    return new CommitState(
        nextSeq,
        lastBatch,
        head,
        anchorBatch,
        anchorHash,
        prunedBefore,
        merged,
        blockFile,
        blockLength);
  }

  CommitState withPrune(long newAnchorBatch, byte[] newAnchorHash, long cutoff) {
    return new CommitState(
        nextSeq,
        lastBatch,
        head,
        newAnchorBatch,
        newAnchorHash,
        Math.max(prunedBefore, cutoff),
        checkpoints,
        blockFile,
        blockLength);
  }

  private static long number(Map<String, String> data, String key) {
    String v = data.get(key);
    if (v == null) {
      throw new IllegalArgumentException("commit has no " + key);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("commit's " + key + " is not a number: " + v, e);
    }
  }

  private static byte[] hash(Map<String, String> data, String key) {
    String v = data.get(key);
    if (v == null) {
      throw new IllegalArgumentException("commit has no " + key);
    }
    try {
      byte[] h = HexFormat.of().parseHex(v);
      if (h.length != BatchLink.HASH_BYTES) {
        throw new IllegalArgumentException("commit's " + key + " is not a SHA-256 hash: " + v);
      }
      return h;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("commit's " + key + " is not a hash: " + v, e);
    }
  }
}
