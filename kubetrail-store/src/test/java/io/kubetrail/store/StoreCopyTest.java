package io.kubetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCopyTest {
  @TempDir Path tmp;

  @Test
  void snapshotsAreCopiedOnceAndCheckpointsNot() throws IOException {
    StateKey snapshot = new StateKey("prod eu", StateKind.SNAPSHOT, "1.snapshot");
    StateKey checkpoint = new StateKey("prod eu", StateKind.CHECKPOINT, "2.checkpoint");
    try (AuditStore from = LuceneAuditStore.open(tmp.resolve("from"), StoreOptions.defaults());
        AuditStore to = LuceneAuditStore.open(tmp.resolve("to"), StoreOptions.defaults())) {
      from.append(Batch.of(List.of(TestEvents.event("a").build())));
      from.states().put(snapshot, out -> out.write(new byte[] {1, 2, 3}));
      from.states().put(checkpoint, out -> out.write(new byte[] {4}));

      assertThat(StoreCopy.copy(from, to, "src", (c, t) -> {}).snapshots()).isEqualTo(1);
      try (var in = to.states().open(snapshot).orElseThrow()) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
      assertThat(to.states().list("prod eu", StateKind.CHECKPOINT)).isEmpty();
      assertThat(StoreCopy.copy(from, to, "src", (c, t) -> {}).snapshots()).isZero();
    }
  }

  @Test
  void aCopyCutShortResumesWhereTheDestinationGotToAndStoresEachEventOnce() throws IOException {
    int n = StoreCopy.PAGE * 2 + 123;
    List<StoredEvent> events = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      events.add(RandomEvents.event(random));
    }
    try (AuditStore from = LuceneAuditStore.open(tmp.resolve("from"), StoreOptions.defaults())) {
      from.append(Batch.of(events));
      long stored = from.count(EventQuery.all());
      try (AuditStore to = LuceneAuditStore.open(tmp.resolve("to"), StoreOptions.defaults())) {
        // The destination fails its second append: the copy stops after one page.
        assertThatThrownBy(() -> StoreCopy.copy(from, failingAt(to, 2), "src", (c, t) -> {}))
            .isInstanceOf(IOException.class);
        assertThat(to.count(EventQuery.all())).isEqualTo(StoreCopy.PAGE);

        StoreCopy.Result again = StoreCopy.copy(from, to, "src", (c, t) -> {});
        assertThat(again.resumed()).isTrue();
        assertThat(again.copied()).isEqualTo(stored - StoreCopy.PAGE);
        assertThat(again.verified().ok()).isTrue();
        assertThat(to.count(EventQuery.all())).isEqualTo(stored);
        assertThat(
                to.search(
                        EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build(),
                        10_000,
                        Optional.empty())
                    .events())
            .containsExactlyElementsOf(
                from.search(
                        EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build(),
                        10_000,
                        Optional.empty())
                    .events());

        StoreCopy.Result done = StoreCopy.copy(from, to, "src", (c, t) -> {});
        assertThat(done.copied()).isZero();
        assertThat(to.count(EventQuery.all())).isEqualTo(stored);
      }
    }
  }

  /** The store, whose {@code failing}th append throws. */
  private static AuditStore failingAt(AuditStore store, int failing) {
    int[] appends = {0};
    return (AuditStore)
        Proxy.newProxyInstance(
            AuditStore.class.getClassLoader(),
            new Class<?>[] {AuditStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("append") && ++appends[0] == failing) {
                throw new StoreException("to", "injected failure");
              }
              if (method.getName().equals("close")) {
                return null;
              }
              try {
                return method.invoke(store, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
