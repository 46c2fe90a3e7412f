package io.kubetrail.store.lucene;

import io.kubetrail.store.BatchLink;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;

/**
 * One batch's link in the hash chain. Its {@link #hash} covers the previous batch's hash, every
 * field here except {@link #pruned} and, through {@link #eventsDigest}, every stored byte of every
 * event of the batch in sequence order; so changing, removing, adding or reordering an event, or
 * editing or dropping a header, breaks the chain from that batch on.
 *
 * @param batch the batch's sequence number, from 1
 * @param prevHash the previous batch's hash (all zero for the first)
 * @param eventsDigest SHA-256 over the batch's events (sequence number, encoded fields, raw JSON)
 * @param count events in the batch
 * @param firstSeq sequence number of the batch's first event; its events are numbered consecutively
 * @param minReceived oldest {@code requestReceivedTimestamp} in the batch, in microseconds
 * @param maxReceived newest {@code requestReceivedTimestamp}, which decides when it is pruned
 * @param appendedAt when the batch was stored, in microseconds
 * @param hash this batch's hash
 * @param pruned true once the batch's events were removed by a prune; the header stays as a link
 */
record BatchHeader(
    long batch,
    byte[] prevHash,
    byte[] eventsDigest,
    long count,
    long firstSeq,
    long minReceived,
    long maxReceived,
    long appendedAt,
    byte[] hash,
    boolean pruned) {

  static final int HASH_BYTES = BatchLink.HASH_BYTES;
  static final byte[] ZERO_HASH = new byte[HASH_BYTES];
  private static final byte VERSION = 1;

  /** A new header; computes its hash. */
  static BatchHeader create(
      long batch,
      byte[] prevHash,
      byte[] eventsDigest,
      long count,
      long firstSeq,
      long minReceived,
      long maxReceived,
      long appendedAt) {
    byte[] hash =
        chainHash(
            batch, prevHash, eventsDigest, count, firstSeq, minReceived, maxReceived, appendedAt);
    return new BatchHeader(
        batch,
        prevHash,
        eventsDigest,
        count,
        firstSeq,
        minReceived,
        maxReceived,
        appendedAt,
        hash,
        false);
  }

  long lastSeq() {
    return firstSeq + count - 1;
  }

  /** This header's hash computed again from its fields. */
  byte[] recomputeHash() {
    return chainHash(
        batch, prevHash, eventsDigest, count, firstSeq, minReceived, maxReceived, appendedAt);
  }

  BatchHeader asPruned() {
    return new BatchHeader(
        batch,
        prevHash,
        eventsDigest,
        count,
        firstSeq,
        minReceived,
        maxReceived,
        appendedAt,
        hash,
        true);
  }

  byte[] encode() {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    try {
      out.writeByte(VERSION);
      out.writeVLong(batch);
      out.writeBytes(prevHash, HASH_BYTES);
      out.writeBytes(eventsDigest, HASH_BYTES);
      out.writeVLong(count);
      out.writeVLong(firstSeq);
      out.writeZLong(minReceived);
      out.writeZLong(maxReceived);
      out.writeZLong(appendedAt);
      out.writeBytes(hash, HASH_BYTES);
      out.writeByte(pruned ? (byte) 1 : 0);
    } catch (IOException e) {
      throw new AssertionError("writing to memory cannot fail", e);
    }
    return out.toArrayCopy();
  }

  static BatchHeader decode(byte[] bytes) throws IOException {
    ByteArrayDataInput in = new ByteArrayDataInput(bytes);
    try {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IOException("unknown batch header format " + version + ", expected " + VERSION);
      }
      long batch = in.readVLong();
      byte[] prev = new byte[HASH_BYTES];
      in.readBytes(prev, 0, HASH_BYTES);
      byte[] digest = new byte[HASH_BYTES];
      in.readBytes(digest, 0, HASH_BYTES);
      long count = in.readVLong();
      long firstSeq = in.readVLong();
      long minReceived = in.readZLong();
      long maxReceived = in.readZLong();
      long appendedAt = in.readZLong();
      byte[] hash = new byte[HASH_BYTES];
      in.readBytes(hash, 0, HASH_BYTES);
      boolean pruned = in.readByte() == 1;
      if (in.getPosition() != bytes.length) {
        throw new IOException("batch header has trailing bytes");
      }
      return new BatchHeader(
          batch, prev, digest, count, firstSeq, minReceived, maxReceived, appendedAt, hash, pruned);
    } catch (RuntimeException e) {
      throw new IOException("batch header cannot be decoded: " + e, e);
    }
  }

  static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  static byte[] unhex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] chainHash(
      long batch,
      byte[] prevHash,
      byte[] eventsDigest,
      long count,
      long firstSeq,
      long minReceived,
      long maxReceived,
      long appendedAt) {
    return BatchLink.hash(
        batch, prevHash, eventsDigest, count, firstSeq, minReceived, maxReceived, appendedAt);
  }

  /** Digests a batch's events, in sequence order: the chain's own rule, {@link BatchLink}'s. */
  static final class EventsDigest {
    private final BatchLink.EventsDigest digest = new BatchLink.EventsDigest();

    void add(long seq, byte[] model, byte[] raw, int rawOffset, int rawLength) {
      digest.add(seq, model, raw, rawOffset, rawLength);
    }

    byte[] finish() {
      return digest.finish();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchHeader h
        && h.batch == batch
        && Arrays.equals(h.prevHash, prevHash)
        && Arrays.equals(h.eventsDigest, eventsDigest)
        && h.count == count
        && h.firstSeq == firstSeq
        && h.minReceived == minReceived
        && h.maxReceived == maxReceived
        && h.appendedAt == appendedAt
        && Arrays.equals(h.hash, hash)
        && h.pruned == pruned;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(batch) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "BatchHeader[batch="
        + batch
        + ", count="
        + count
        + ", firstSeq="
        + firstSeq
        + ", hash="
        + hex(hash)
        + (pruned ? ", pruned" : "")
        + "]";
  }
}
