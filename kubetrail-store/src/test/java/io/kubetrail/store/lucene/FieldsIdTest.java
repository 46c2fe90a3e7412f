package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Stage;
import io.kubetrail.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.lucene.util.BytesRef;

/** An event's identity term is the same bytes as the store has always written, whatever path. */
class FieldsIdTest {
  @Property(seed = "20261205", tries = 500)
  void theIdIsTheDocumentedBytes(
      @ForAll("values") String cluster,
      @ForAll("values") String auditID,
      @ForAll Stage stage,
      @ForAll("times") Instant received)
      throws NoSuchAlgorithmException {
    StoredEvent e = event(auditID).cluster(cluster).stage(stage).received(received).build();
    assertThat(Fields.id(e)).isEqualTo(reference(cluster, auditID, stage, received));
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars("-:.").ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(10),
        Arbitraries.strings().alpha().ofLength(260));
  }

  @Provide
  Arbitrary<Instant> times() {
    return Arbitraries.longs()
        .between(-2_000_000_000L, 100_000_000_000L)
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, 999_999_999)
                    .map(n -> Instant.ofEpochSecond(s, n)));
  }

  /** The identity as documented: "k" and the key's UTF-8, or "h" and its SHA-256 when long. */
  private static BytesRef reference(String cluster, String auditID, Stage stage, Instant t)
      throws NoSuchAlgorithmException {
    String key =
        cluster
            + '\u0000'
            + auditID
            + '\u0000'
            + stage.name()
            + '\u0000'
            + t.getEpochSecond()
            + '.'
            + t.getNano();
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    if (utf8.length + 1 <= 512) {
      byte[] term = new byte[utf8.length + 1];
      term[0] = 'k';
      System.arraycopy(utf8, 0, term, 1, utf8.length);
      return new BytesRef(term);
    }
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(utf8);
    byte[] term = new byte[hash.length + 1];
    term[0] = 'h';
    System.arraycopy(hash, 0, term, 1, hash.length);
    return new BytesRef(term);
  }
}
