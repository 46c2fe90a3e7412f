package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class IdFingerprintsTest {
  private static BytesRef id(String text) {
    // Offset into a larger array, as the ids of a batch's arena are.
    byte[] utf8 = ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
    return new BytesRef(utf8, 2, utf8.length - 4);
  }

  @Test
  void findsEveryIdAddedThroughGrowthAndNoneOfTheOthers() {
    IdFingerprints set = new IdFingerprints();
    for (int i = 0; i < 50_000; i++) {
      set.add(id("audit-" + i));
    }
    set.add(id("audit-7")); // already there
    assertThat(set.size()).isEqualTo(50_000);
    for (int i = 0; i < 50_000; i++) {
      assertThat(set.mayContain(id("audit-" + i))).as("audit-%d", i).isTrue();
    }
    int found = 0;
    for (int i = 50_000; i < 150_000; i++) {
      found += set.mayContain(id("audit-" + i)) ? 1 : 0;
    }
    assertThat(found).isZero();
  }

  @Test
  void clearForgetsEverything() {
    IdFingerprints set = new IdFingerprints();
    for (int i = 0; i < 5_000; i++) {
      set.add(id("e" + i));
    }
    set.clear();
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.mayContain(id("e1"))).isFalse();
    set.add(id("e1"));
    assertThat(set.mayContain(id("e1"))).isTrue();
    assertThat(set.mayContain(id("e2"))).isFalse();
  }
}
