package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void pausesDoubleUpToTheMost() {
    Backoff b = new Backoff(1_000, 5_000);
    assertThat(new long[] {b.next(), b.next(), b.next(), b.next(), b.next()})
        .containsExactly(1_000, 2_000, 4_000, 5_000, 5_000);
  }

  @Test
  void aResetStartsAgainFromTheFirst() {
    Backoff b = Backoff.forAppends();
    b.next();
    b.next();
    assertThat(b.next()).isEqualTo(4_000);
    b.reset();
    assertThat(b.next()).isEqualTo(1_000);
  }

  @Test
  void appendsPauseAtMostThirtySeconds() {
    Backoff b = Backoff.forAppends();
    long last = 0;
    for (int i = 0; i < 20; i++) {
      last = b.next();
    }
    assertThat(last).isEqualTo(30_000);
  }

  @Test
  void refusesPausesThatCannotGrow() {
    assertThatThrownBy(() -> new Backoff(0, 10)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new Backoff(10, 5)).hasMessageContaining("the most at least");
  }
}
