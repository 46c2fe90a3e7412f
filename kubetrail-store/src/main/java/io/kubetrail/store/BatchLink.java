package io.kubetrail.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One batch's link in a store's hash chain, the same for every store implementation. Its {@link
 * #hash} covers the previous batch's hash, every field here and, through {@link #eventsDigest},
 * every stored byte of every event of the batch in sequence order; so changing, removing, adding or
 * reordering an event, or editing or dropping a link, breaks the chain from that batch on.
 *
 * @param batch the batch's sequence number, from 1
 * @param prevHash the previous batch's hash (all zero for the first)
 * @param eventsDigest an {@link EventsDigest} over the batch's events
 * @param count events in the batch
 * @param firstSeq sequence number of the batch's first event; its events are numbered consecutively
 * @param minReceived oldest {@code requestReceivedTimestamp} in the batch, in microseconds
 * @param maxReceived newest {@code requestReceivedTimestamp}, which decides when it is pruned
 * @param appendedAt when the batch was stored, in microseconds
 * @param hash this batch's hash
 */
public record BatchLink(
    long batch,
    byte[] prevHash,
    byte[] eventsDigest,
    long count,
    long firstSeq,
    long minReceived,
    long maxReceived,
    long appendedAt,
    byte[] hash) {

  /** Bytes in a hash. */
  public static final int HASH_BYTES = 32;

  private static final byte[] ZERO_HASH = new byte[HASH_BYTES];
  private static final byte[] DOMAIN =
      "kubetrail batch v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public BatchLink {
    prevHash = prevHash.clone();
    eventsDigest = eventsDigest.clone();
    hash = hash.clone();
    if (prevHash.length != HASH_BYTES
        || eventsDigest.length != HASH_BYTES
        || hash.length != HASH_BYTES) {
      throw new IllegalArgumentException("hashes are " + HASH_BYTES + " bytes");
    }
  }

  /** The previous hash of the first batch. */
  public static byte[] zeroHash() {
    return ZERO_HASH.clone();
  }

  /** A new link; computes its hash. */
  public static BatchLink create(
      long batch,
      byte[] prevHash,
      byte[] eventsDigest,
      long count,
      long firstSeq,
      long minReceived,
      long maxReceived,
      long appendedAt) {
    return new BatchLink(
        batch,
        prevHash,
        eventsDigest,
        count,
        firstSeq,
        minReceived,
        maxReceived,
        appendedAt,
        hash(batch, prevHash, eventsDigest, count, firstSeq, minReceived, maxReceived, appendedAt));
  }

  /** The sequence number of the batch's last event. */
  public long lastSeq() {
    return firstSeq + count - 1;
  }

  /** True when the hash is the one its fields give. */
  public boolean hashMatches() {
    return Arrays.equals(
        hash,
        hash(batch, prevHash, eventsDigest, count, firstSeq, minReceived, maxReceived, appendedAt));
  }

  /** The hash of a link with these fields. */
  public static byte[] hash(
      long batch,
      byte[] prevHash,
      byte[] eventsDigest,
      long count,
      long firstSeq,
      long minReceived,
      long maxReceived,
      long appendedAt) {
    MessageDigest md = sha256();
    md.update(DOMAIN);
    md.update(prevHash);
    md.update(
        ByteBuffer.allocate(6 * Long.BYTES)
            .putLong(batch)
            .putLong(count)
            .putLong(firstSeq)
            .putLong(minReceived)
            .putLong(maxReceived)
            .putLong(appendedAt)
            .array());
    md.update(eventsDigest);
    return md.digest();
  }

  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  /** SHA-256, which every JVM has. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** Digests a batch's events, in sequence order: each one's number and its stored bytes. */
  public static final class EventsDigest {
    private final MessageDigest md = sha256();
    private final ByteBuffer lengths = ByteBuffer.allocate(3 * Long.BYTES);

    /**
     * Adds one event: its sequence number and its stored bytes, in two parts (for a store that
     * keeps an event as a model and its raw JSON; either may be empty).
     */
    public void add(long seq, byte[] model, byte[] raw, int rawOffset, int rawLength) {
      lengths.clear();
      lengths.putLong(seq).putLong(model.length).putLong(rawLength);
      md.update(lengths.array());
      md.update(model);
      md.update(raw, rawOffset, rawLength);
    }

    public byte[] finish() {
      return md.digest();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchLink l
        && l.batch == batch
        && Arrays.equals(l.prevHash, prevHash)
        && Arrays.equals(l.eventsDigest, eventsDigest)
        && l.count == count
        && l.firstSeq == firstSeq
        && l.minReceived == minReceived
        && l.maxReceived == maxReceived
        && l.appendedAt == appendedAt
        && Arrays.equals(l.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(batch) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "BatchLink[batch=" + batch + ", count=" + count + ", hash=" + hex(hash) + "]";
  }

  /** Compares two hashes; for callers that hold them as arrays. */
  public static boolean sameHash(byte[] a, byte[] b) {
    return Arrays.equals(Objects.requireNonNull(a), Objects.requireNonNull(b));
  }
}
