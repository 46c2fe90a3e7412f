package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepositoryContractTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state repository contract on the embedded store, and its files' layout. */
class LuceneStateRepositoryTest extends StateRepositoryContractTest {
  @TempDir Path tmp;
  private int stores;

  @Override
  protected String freshLocation(String name) {
    return tmp.resolve(name + "-" + stores++).toString();
  }

  @Test
  void keepsTheLayoutStoresAlwaysHad() throws IOException {
    Path dir = Path.of(location);
    // A store written before the repository existed: its files are found where they were.
    Path old = dir.resolve("history/prod-eu/snapshots/00000000001000000000.snapshot");
    Files.createDirectories(old.getParent());
    Files.write(old, "old".getBytes(StandardCharsets.UTF_8));
    Files.write(old.resolveSibling("00000000002000000000.snapshot.tmp"), new byte[1]);
    assertThat(states.list("prod-eu", StateKind.SNAPSHOT))
        .containsExactly("00000000001000000000.snapshot");

    put(checkpoint("prod-eu", "00000000003000000000.checkpoint"), new byte[] {1, 2});
    assertThat(dir.resolve("history/prod-eu/checkpoints/00000000003000000000.checkpoint"))
        .hasBinaryContent(new byte[] {1, 2});
    put(checkpoint("..", "c"), new byte[] {3});
    assertThat(dir.resolve("history/%2E%2E/checkpoints/c")).hasBinaryContent(new byte[] {3});
    put(checkpoint("../x", "c"), new byte[] {4});
    assertThat(dir.resolve("history/..%2Fx/checkpoints/c")).hasBinaryContent(new byte[] {4});
  }
}
