package io.kubetrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VerifyResultTest {
  @Test
  void saysWhatWasCheckedWhateverTheLocale() {
    assertThat(new VerifyResult(1, 1_234_567, OptionalLong.empty(), "", "ab12"))
        .hasToString("intact: 1 batch, 1,234,567 events, head ab12");
    assertThat(new VerifyResult(2, 1, OptionalLong.empty(), "", "ab12"))
        .hasToString("intact: 2 batches, 1 event, head ab12");
  }

  @Test
  void namesTheFirstBrokenBatch() {
    assertThat(new VerifyResult(2, 7, OptionalLong.of(3), "an event was removed", "ab12"))
        .hasToString("batch 3 broken: an event was removed");
  }
}
