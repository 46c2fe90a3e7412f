package io.kubetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceGapTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00.123456Z");

  @Test
  void readsBackWhatItWroteAmongOtherCheckpoints() {
    SourceGap g =
        new SourceGap("prod eu", "file:/var/log/kube audit.log", T, T.plusSeconds(60), "cut: a=b");
    SourceGap other = new SourceGap("test", "webhook", T, T, "lost");
    Map<String, SourceCheckpoint> checkpoints =
        Map.of(
            g.key(),
            g.position(),
            other.key(),
            other.position(),
            "file:cluster=prod:sha256:00",
            new SourceCheckpoint("offset=10 line=2"),
            SourceGap.KEY_PREFIX + "bad",
            new SourceCheckpoint("not a gap"));

    assertThat(SourceGap.of("prod eu", checkpoints)).containsExactly(g);
    assertThat(SourceGap.of("test", checkpoints)).containsExactly(other);
  }

  @Test
  void overlapsAnIntervalItShares() {
    SourceGap g = new SourceGap("c", "s", T, T.plusSeconds(10), "r");

    assertThat(g.overlaps(T.plusSeconds(10), T.plusSeconds(20))).isTrue();
    assertThat(g.overlaps(T.minusSeconds(5), T)).isTrue();
    assertThat(g.overlaps(T.plusSeconds(11), T.plusSeconds(20))).isFalse();
    assertThat(g.overlaps(T.minusSeconds(5), T.minusNanos(1000))).isFalse();
  }

  @Test
  void keepsItsPositionWithinACheckpointsLimit() {
    SourceGap g = new SourceGap("c", "s", T, T, "\u00e9".repeat(5000));

    assertThat(g.reason()).hasSize(SourceGap.MAX_REASON);
    assertThat(g.position().position().length()).isLessThanOrEqualTo(SourceCheckpoint.MAX_LENGTH);
    assertThatThrownBy(() -> new SourceGap("c", "s", T, T.minusSeconds(1), "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends");
  }
}
