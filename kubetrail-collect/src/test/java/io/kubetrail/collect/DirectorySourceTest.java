package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
  @TempDir Path dir;
  private AuditStore store;

  @BeforeEach
  void open() throws Exception {
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  /** An AKS diagnostic record carrying audit line {@code n}. */
  private static String aks(int n) {
    String event = AuditLines.get(n).replace("\\", "\\\\").replace("\"", "\\\"");
    return "{\"category\":\"kube-audit\",\"properties\":{\"log\":\"" + event + "\"}}\n";
  }

  private static void write(Path file, int from, int to) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int n = from; n < to; n++) {
      text.append(aks(n));
    }
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    // Settled: older than a poll interval.
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
  }

  private static void await(LongSupplier stored, long events) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (stored.getAsLong() < events && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private long count() {
    try {
      return store.count(EventQuery.all());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void picksUpNewAndGrownExportFilesInSubdirectoriesAndResumesAfterARestart() throws Exception {
    Path exports = dir.resolve("exports");
    write(exports.resolve("h=00/PT1H.json"), 0, 10);
    Pipeline pipeline =
        new Pipeline(
            Sink.of(store), IngestOptions.defaults(), PipelineListener.NONE, DeadLetters.NONE);
    DirectorySource source = DirectorySource.of(exports, RecordFormat.AUTO, Duration.ofMillis(20));
    Thread t = new Thread(() -> runQuietly(pipeline, source));
    t.start();
    await(this::count, 10);
    write(exports.resolve("h=01/PT1H.json"), 10, 15);
    write(exports.resolve("h=00/PT1H.json"), 15, 20); // grown
    await(this::count, 20);
    pipeline.stop();
    t.join();
    pipeline.close();
    assertThat(pipeline.duplicates()).as("grown files resumed where they stopped").isZero();

    // A new collector reads each file from its checkpoint: nothing twice.
    write(exports.resolve("h=01/PT1H.json"), 20, 25);
    Pipeline again =
        new Pipeline(
            Sink.of(store), IngestOptions.defaults(), PipelineListener.NONE, DeadLetters.NONE);
    Thread t2 =
        new Thread(
            () ->
                runQuietly(
                    again, DirectorySource.of(exports, RecordFormat.AUTO, Duration.ofMillis(20))));
    t2.start();
    await(this::count, 25);
    again.stop();
    t2.join();
    again.close();
    assertThat(count()).isEqualTo(25);
    assertThat(List.of(again.duplicates(), again.stored())).containsExactly(0L, 5L);
  }

  private static void runQuietly(Pipeline pipeline, Source source) {
    try {
      pipeline.run(source);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
