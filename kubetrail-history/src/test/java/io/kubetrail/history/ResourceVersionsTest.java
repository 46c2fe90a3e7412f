package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceVersionsTest {
  @Test
  void integerVersionsCompareAsNumbersNotAsText() {
    assertThat(ResourceVersions.olderThan("9", "10")).isTrue();
    assertThat(ResourceVersions.olderThan("10", "9")).isFalse();
    assertThat(ResourceVersions.olderThan("10", "10")).isFalse();
    assertThat(ResourceVersions.olderThan("5/abc", "6/x")).isTrue();
  }

  @Test
  void nonNumericVersionsAreNeitherOlderSoTimeOrderRules() {
    assertThat(ResourceVersions.olderThan("abc", "10")).isFalse();
    assertThat(ResourceVersions.olderThan("10", "abc")).isFalse();
    assertThat(ResourceVersions.olderThan("", "10")).isFalse();
    assertThat(ResourceVersions.olderThan("10", "")).isFalse();
  }

  @Test
  void revisionReadsTheDigitsBeforeAnySlash() {
    assertThat(ResourceVersions.revision("12345")).isEqualTo(12345L);
    assertThat(ResourceVersions.revision("42/shard-a")).isEqualTo(42L);
    assertThat(ResourceVersions.revision("0")).isZero();
    assertThat(ResourceVersions.revision("12a")).isEqualTo(-1L);
    assertThat(ResourceVersions.revision("-1")).isEqualTo(-1L);
    assertThat(ResourceVersions.revision("/7")).isEqualTo(-1L);
    // Past 18 digits a long could overflow: not a revision.
    assertThat(ResourceVersions.revision("1234567890123456789")).isEqualTo(-1L);
    assertThat(ResourceVersions.revision("123456789012345678")).isEqualTo(123456789012345678L);
  }
}
