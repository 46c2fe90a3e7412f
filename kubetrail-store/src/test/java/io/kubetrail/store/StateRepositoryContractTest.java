package io.kubetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every store's {@link StateRepository} must have. A backend's test extends this
 * class and says where a fresh store may be opened; every test here then runs against it, through
 * {@link AuditStores#open} as users open stores.
 */
public abstract class StateRepositoryContractTest {

  /** A location where no store is yet, different for each call. */
  protected abstract String freshLocation(String name) throws IOException;

  protected String location;
  protected AuditStore store;
  protected StateRepository states;

  @BeforeEach
  void openStore() throws IOException {
    location = freshLocation(getClass().getSimpleName());
    store = AuditStores.open(location, StoreOptions.defaults());
    states = store.states();
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  protected static StateKey snapshot(String cluster, String name) {
    return new StateKey(cluster, StateKind.SNAPSHOT, name);
  }

  protected static StateKey checkpoint(String cluster, String name) {
    return new StateKey(cluster, StateKind.CHECKPOINT, name);
  }

  protected void put(StateKey key, byte[] content) throws IOException {
    states.put(key, out -> out.write(content));
  }

  protected Optional<byte[]> get(StateKey key) throws IOException {
    Optional<InputStream> in = states.open(key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream s = in.get()) {
      return Optional.of(s.readAllBytes());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEmptyRepositoryHasNothing() throws IOException {
    assertThat(states.list("prod", StateKind.SNAPSHOT)).isEmpty();
    assertThat(states.list("prod", StateKind.CHECKPOINT)).isEmpty();
    assertThat(states.open(snapshot("prod", "a.snapshot"))).isEmpty();
    assertThat(states.delete(snapshot("prod", "a.snapshot"))).isFalse();
  }

  @Test
  void readsBackWhatWasPutAndListsItSorted() throws IOException {
    put(snapshot("prod", "b.snapshot"), utf8("second"));
    put(snapshot("prod", "a.snapshot"), utf8("first"));
    put(checkpoint("prod", "c.checkpoint"), utf8("cp"));

    assertThat(states.list("prod", StateKind.SNAPSHOT)).containsExactly("a.snapshot", "b.snapshot");
    assertThat(states.list("prod", StateKind.CHECKPOINT)).containsExactly("c.checkpoint");
    assertThat(get(snapshot("prod", "a.snapshot"))).hasValue(utf8("first"));
    assertThat(get(snapshot("prod", "b.snapshot"))).hasValue(utf8("second"));
    assertThat(get(checkpoint("prod", "c.checkpoint"))).hasValue(utf8("cp"));
    assertThat(get(checkpoint("prod", "a.snapshot"))).isEmpty();
  }

  @Test
  void clustersAreKeptApartWhateverTheirNames() throws IOException {
    List<String> clusters = List.of("prod", "prod-eu", "..", ".", "a/b", "../x", "ä *?", "PROD");
    for (String c : clusters) {
      put(snapshot(c, "s"), utf8("of " + c));
    }
    for (String c : clusters) {
      assertThat(states.list(c, StateKind.SNAPSHOT)).as(c).containsExactly("s");
      assertThat(get(snapshot(c, "s"))).as(c).hasValue(utf8("of " + c));
    }
    assertThat(states.list("other", StateKind.SNAPSHOT)).isEmpty();
  }

  @Test
  void puttingANameAgainReplacesItsContent() throws IOException {
    StateKey key = checkpoint("prod", "1.checkpoint");
    put(key, utf8("old content, longer than the new"));
    put(key, utf8("new"));
    assertThat(get(key)).hasValue(utf8("new"));
    assertThat(states.list("prod", StateKind.CHECKPOINT)).containsExactly("1.checkpoint");
  }

  @Test
  void emptyContentIsContent() throws IOException {
    StateKey key = snapshot("prod", "empty");
    put(key, new byte[0]);
    assertThat(get(key)).hasValue(new byte[0]);
  }

  @Test
  void largeContentReadsBackByteForByte() throws IOException {
    // Larger than any backend's single document or buffer: 9 MiB of noise, written in odd pieces.
    byte[] big = new byte[9 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    StateKey key = checkpoint("prod", "big.checkpoint");
    states.put(
        key,
        out -> {
          for (int i = 0; i < big.length; ) {
            int n = Math.min(big.length - i, 1 + (i % 100_003));
            if (n == 1) {
              out.write(big[i]);
            } else {
              out.write(big, i, n);
            }
            i += n;
          }
        });
    assertThat(get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    // A reader may stop after the start (a header) and close.
    try (InputStream in = states.open(key).orElseThrow()) {
      assertThat(in.readNBytes(16)).isEqualTo(java.util.Arrays.copyOf(big, 16));
    }
    put(key, utf8("small again"));
    assertThat(get(key)).hasValue(utf8("small again"));
  }

  @Test
  void aFailedWriteStoresNothingAndKeepsTheOldContent() throws IOException {
    StateKey kept = snapshot("prod", "kept");
    put(kept, utf8("old"));
    for (StateKey key : List.of(kept, snapshot("prod", "never"))) {
      assertThatThrownBy(
              () ->
                  states.put(
                      key,
                      out -> {
                        out.write(new byte[5 * 1024 * 1024]);
                        throw new IOException("disk gone");
                      }))
          .hasMessageContaining("disk gone");
    }
    assertThat(get(kept)).hasValue(utf8("old"));
    assertThat(states.open(snapshot("prod", "never"))).isEmpty();
    assertThat(states.list("prod", StateKind.SNAPSHOT)).containsExactly("kept");
  }

  @Test
  void deleteRemovesOneBlob() throws IOException {
    put(checkpoint("prod", "1"), utf8("one"));
    put(checkpoint("prod", "2"), utf8("two"));
    assertThat(states.delete(checkpoint("prod", "1"))).isTrue();
    assertThat(states.delete(checkpoint("prod", "1"))).isFalse();
    assertThat(states.open(checkpoint("prod", "1"))).isEmpty();
    assertThat(states.list("prod", StateKind.CHECKPOINT)).containsExactly("2");
    assertThat(get(checkpoint("prod", "2"))).hasValue(utf8("two"));
  }

  @Test
  void stateOutlivesTheProcessAndIsSharedWithReaders() throws IOException {
    put(snapshot("prod", "s1"), utf8("listing"));
    store.close();
    store = AuditStores.open(location, StoreOptions.defaults());
    states = store.states();
    assertThat(get(snapshot("prod", "s1"))).hasValue(utf8("listing"));
    try (AuditStore reader =
        AuditStores.open(location, StoreOptions.builder().readOnly(true).build())) {
      assertThat(reader.states().list("prod", StateKind.SNAPSHOT)).containsExactly("s1");
      // Checkpoints only speed replay up: a reader may write them.
      reader.states().put(checkpoint("prod", "from-reader"), out -> out.write(utf8("cp")));
    }
    assertThat(get(checkpoint("prod", "from-reader"))).hasValue(utf8("cp"));
  }

  @Test
  void describeNamesTheBlobAndTheStore() {
    assertThat(states.describe(snapshot("prod-eu", "x.snapshot")))
        .contains("x.snapshot")
        .contains("prod-eu");
  }

  @Test
  void namesThatCannotBeStoredAreRefused() {
    for (String bad : List.of("", ".hidden", "a/b", "..", "x.tmp", "a b", "x".repeat(201))) {
      assertThatThrownBy(() -> snapshot("prod", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> snapshot("", "a")).isInstanceOf(IllegalArgumentException.class);
  }
}
