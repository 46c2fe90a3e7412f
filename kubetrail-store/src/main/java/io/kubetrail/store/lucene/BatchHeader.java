package io.kubetrail.store.lucene;

import io.kubetrail.store.BatchLink;
import java.io.IOException;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;

/**
 * One batch's link in the hash chain ({@link BatchLink}, the rule every store shares), as the
 * Lucene store keeps it: with whether the batch's events were pruned, which the hash does not
 * cover, and in this store's binary form.
 *
 * @param link the batch's link in the chain
 * @param pruned true once the batch's events were removed by a prune; the header stays as a link
 */
record BatchHeader(BatchLink link, boolean pruned) {
  private static final int HASH_BYTES = BatchLink.HASH_BYTES;
  private static final byte VERSION = 1;

  /** The batch's number, which the index sorts and finds headers by. */
  long batch() {
    return link.batch();
  }

  BatchHeader asPruned() {
    return new BatchHeader(link, true);
  }

  byte[] encode() {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    try {
      out.writeByte(VERSION);
      out.writeVLong(link.batch());
      out.writeBytes(link.prevHash(), HASH_BYTES);
      out.writeBytes(link.eventsDigest(), HASH_BYTES);
      out.writeVLong(link.count());
      out.writeVLong(link.firstSeq());
      out.writeZLong(link.minReceived());
      out.writeZLong(link.maxReceived());
      out.writeZLong(link.appendedAt());
      out.writeBytes(link.hash(), HASH_BYTES);
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
      byte[] prev = readHash(in);
      byte[] digest = readHash(in);
      long count = in.readVLong();
      long firstSeq = in.readVLong();
      long minReceived = in.readZLong();
      long maxReceived = in.readZLong();
      long appendedAt = in.readZLong();
      byte[] hash = readHash(in);
      boolean pruned = in.readByte() == 1;
      if (in.getPosition() != bytes.length) {
        throw new IOException("batch header has trailing bytes");
      }
      return new BatchHeader(
          new BatchLink(
              batch, prev, digest, count, firstSeq, minReceived, maxReceived, appendedAt, hash),
          pruned);
    } catch (RuntimeException e) {
      throw new IOException("batch header cannot be decoded: " + e, e);
    }
  }

  private static byte[] readHash(ByteArrayDataInput in) {
    byte[] hash = new byte[HASH_BYTES];
    in.readBytes(hash, 0, HASH_BYTES);
    return hash;
  }

  @Override
  public String toString() {
    return "BatchHeader[" + link + (pruned ? ", pruned" : "") + "]";
  }
}
