package io.kubetrail.collect.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.BufferState;
import io.kubetrail.store.AppendResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk buffer in the metrics, the status file and the health check. */
class CollectorMetricsBufferTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  private final AtomicReference<BufferState> buffer = new AtomicReference<>(BufferState.EMPTY);
  private final CollectorMetrics metrics =
      new CollectorMetrics(false, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0, buffer::get);

  @Test
  void showsTheBuffersBytesBatchesAndOldestAge() {
    buffer.set(new BufferState(1234, 3, Optional.of(NOW.minusSeconds(90)), false));

    assertThat(metrics.scrape())
        .contains("kubetrail_buffer_bytes 1234")
        .contains("kubetrail_buffer_batches 3")
        .contains("kubetrail_buffer_oldest_age_seconds 90")
        .contains("kubetrail_buffer_full 0");
    CollectorStatus status = metrics.status(false);
    assertThat(status.bufferBytes()).isEqualTo(1234);
    assertThat(status.bufferBatches()).isEqualTo(3);
    assertThat(status.bufferOldest()).isEqualTo("2026-01-01T00:08:30Z");

    buffer.set(BufferState.EMPTY);
    assertThat(metrics.scrape())
        .contains("kubetrail_buffer_batches 0")
        .contains("kubetrail_buffer_oldest_age_seconds 0");
    assertThat(metrics.status(false).bufferOldest()).isEmpty();
  }

  @Test
  void aFailingStoreIsHealthyOnlyWhileTheBufferKeepsWhatIsRead() {
    assertThat(metrics.healthy()).isTrue();
    metrics.appendFailed(new IOException("connection refused"));
    assertThat(metrics.healthy()).as("no buffer").isFalse();

    buffer.set(new BufferState(1234, 3, Optional.of(NOW), false));
    assertThat(metrics.healthy()).as("buffering").isTrue();
    buffer.set(new BufferState(1234, 3, Optional.of(NOW), true));
    assertThat(metrics.healthy()).as("buffer full").isFalse();

    metrics.committed(List.of(), new AppendResult(0, 0, OptionalLong.empty()), List.of(), 1);
    assertThat(metrics.healthy()).as("stored again").isTrue();
  }

  @Test
  void readsAStatusWrittenBeforeThereWasABuffer(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(CollectorStatus.FILE);
    Files.writeString(
        file,
        "{\"updated\":\"2026-01-01T00:00:00Z\",\"pid\":1,\"sources\":[],\"queuedBytes\":0,"
            + "\"appendFailures\":0,\"lastError\":\"\",\"stopped\":true}");
    CollectorStatus read = CollectorStatus.read(file).orElseThrow();
    assertThat(read.bufferBatches()).isZero();
    assertThat(read.bufferOldest()).isEmpty();
  }
}
