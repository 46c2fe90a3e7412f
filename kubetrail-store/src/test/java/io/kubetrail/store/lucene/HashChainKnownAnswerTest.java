package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known answers for the hash chain, so that a change to what it covers or how cannot pass unseen
 * (stores written before would no longer verify). The layout, as the test spells it out:
 *
 * <ul>
 *   <li>events digest = SHA-256 over each event in sequence order of: seq, model length, raw length
 *       (each a big-endian 8-byte long), the encoded model bytes, the raw JSON bytes;
 *   <li>batch hash = SHA-256 of the ASCII bytes {@code kubetrail batch v1}, the previous batch's
 *       hash (32 zero bytes for the first), the big-endian 8-byte longs batch, count, firstSeq,
 *       minReceived, maxReceived, appendedAt (times in microseconds), then the events digest.
 * </ul>
 *
 * The pinned values were computed outside Java, with Python's hashlib over the same bytes: {@code
 * struct.pack('>qqq', seq, len(model), len(raw)) + model + raw} and {@code b'kubetrail batch v1' +
 * prev + struct.pack('>qqqqqq', ...) + digest}.
 */
class HashChainKnownAnswerTest {
  @TempDir Path tmp;

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void eventsDigestAndBatchHashesArePinned() {
    BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
    byte[] raw = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    digest.add(1, "model-1".getBytes(StandardCharsets.UTF_8), raw, 0, raw.length);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    digest.add(2, new byte[0], empty, 0, empty.length);
    byte[] events = digest.finish();
    assertThat(HEX.formatHex(events))
        .isEqualTo("77566159e7822df4b4e08b3f37536875195b0584f15b916786f8c490b71d8ce6");

    BatchLink first =
        BatchLink.create(
            1,
            BatchLink.zeroHash(),
            events,
            2,
            1,
            1_767_225_600_000_000L,
            1_767_225_601_000_001L,
            1_767_225_700_000_000L);
    assertThat(HEX.formatHex(first.hash()))
        .isEqualTo("a79c17c92f73bf7ef78acf417045d6cde095c815b8f7b2aab25c3f90d2edc24b");
    // Negative times (before 1970) are two's complement longs too.
    BatchLink second =
        BatchLink.create(2, first.hash(), events, 2, 3, -5, -1, 1_767_225_800_000_000L);
    assertThat(HEX.formatHex(second.hash()))
        .isEqualTo("73b3d62593d06293b3dfa0bfca589904e871899e857f4bf8e9598c11e132df85");
  }

  @Test
  void aStoresHeadIsTheChainOfItsBatchesAsDocumented() throws IOException {
    Path dir = tmp.resolve("store");
    List<StoredEvent> one =
        List.of(event("a").at(0).build(), event("b").at(2).build(), event("c").at(1).build());
    List<StoredEvent> two = List.of(event("d").at(5).user("bob").build());
    String head;
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(one));
      store.append(Batch.of(two));
      VerifyResult verify = store.verify();
      assertThat(verify.ok()).as(verify.toString()).isTrue();
      head = verify.head();
    }
    // appendedAt is the wall clock of the append: read it back, recompute everything else.
    List<BatchHeader> stored;
    try (Directory d = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      stored = BatchHeaders.read(new IndexSearcher(reader), Queries.headers(), 10);
    }
    assertThat(stored).hasSize(2);
    byte[] h1 = batchHash(1, new byte[32], 1, one, stored.get(0).link().appendedAt());
    byte[] h2 = batchHash(2, h1, 4, two, stored.get(1).link().appendedAt());
    assertThat(head).isEqualTo(HEX.formatHex(h2));
  }

  /** A batch's hash by the layout in the class comment, with nothing of BatchHeader's code. */
  private static byte[] batchHash(
      long batch, byte[] prev, long firstSeq, List<StoredEvent> events, long appendedAt) {
    MessageDigest digest = sha256();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long seq = firstSeq;
    for (StoredEvent e : events) {
      byte[] model = EventCodec.encode(e);
      byte[] raw = e.event().json().unsafeBytes();
      digest.update(
          ByteBuffer.allocate(24).putLong(seq++).putLong(model.length).putLong(raw.length).array());
      digest.update(model);
      digest.update(raw);
      Instant received = e.event().requestReceivedTimestamp();
      long micros = received.getEpochSecond() * 1_000_000L + received.getNano() / 1_000;
      min = Math.min(min, micros);
      max = Math.max(max, micros);
    }
    byte[] eventsDigest = digest.digest();
    MessageDigest chain = sha256();
    chain.update("kubetrail batch v1".getBytes(StandardCharsets.US_ASCII));
    chain.update(prev);
    chain.update(
        ByteBuffer.allocate(48)
            .putLong(batch)
            .putLong(events.size())
            .putLong(firstSeq)
            .putLong(min)
            .putLong(max)
            .putLong(appendedAt)
            .array());
    chain.update(eventsDigest);
    return chain.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
