package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  private final StringWriter text = new StringWriter();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ProgressDisplay display(boolean terminal) {
    return new ProgressDisplay(new PrintWriter(text), terminal, now::get);
  }

  @Test
  void plainLinesComeAtMostEveryTenSeconds() {
    ProgressDisplay display = display(false);
    assertThat(display.due()).isFalse();
    now.addAndGet(9_999_000_000L);
    assertThat(display.due()).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(display.due()).isTrue();
    display.show(40, "bar", "40% done: line");
    assertThat(display.due()).isFalse();
    display.finish();

    assertThat(text.toString()).isEqualTo("40% done: line" + System.lineSeparator());
  }

  @Test
  void aTerminalGetsABarRedrawnInPlaceAndClearedAtTheEnd() {
    ProgressDisplay display = display(true);
    now.addAndGet(100_000_000L);
    assertThat(display.due()).isTrue();
    display.show(50, "5 of 10 batches", "line");
    display.show(150, "too far", "line");
    display.finish();

    assertThat(text.toString())
        .isEqualTo(
            "\r["
                + "#".repeat(15)
                + ".".repeat(15)
                + "]  50%  5 of 10 batches \u001b[K"
                + "\r["
                + "#".repeat(30)
                + "] 100%  too far \u001b[K"
                + "\r\u001b[K");
  }

  @Test
  void tookSaysTheTimeAndTheRate() {
    ProgressDisplay display = display(false);
    now.addAndGet(2_500_000_000L);
    display.took(10_000, "events");

    assertThat(text.toString()).isEqualTo("took 2.5 s (4,000 events/s)" + System.lineSeparator());
  }
}
