package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Block file names: the number in at least six digits, as the store's files have always been. */
class BlockFilesNameTest {
  @Test
  void numbersArePaddedToSixDigitsAndNeverCut() {
    assertThat(BlockFiles.name(1)).isEqualTo("events-000001.blk");
    assertThat(BlockFiles.name(42_017)).isEqualTo("events-042017.blk");
    assertThat(BlockFiles.name(999_999)).isEqualTo("events-999999.blk");
    assertThat(BlockFiles.name(1_234_567)).isEqualTo("events-1234567.blk");
    for (long file : new long[] {1, 10, 999_999, 1_000_000, Long.MAX_VALUE}) {
      assertThat(BlockFiles.name(file)).isEqualTo(String.format("events-%06d.blk", file));
      assertThat(BlockFiles.isBlockFile(BlockFiles.name(file))).isTrue();
    }
  }

  @Test
  void negativeNumbersAreRefused() {
    assertThatThrownBy(() -> BlockFiles.name(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
