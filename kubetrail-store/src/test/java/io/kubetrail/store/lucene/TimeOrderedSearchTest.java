package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.ReferenceQuery;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import io.kubetrail.store.TestSeed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches that read runs of documents ({@link TimeOrderedSearch}) give exactly the hits of a plain
 * sort: events appended mostly in time order, with bursts, late arrivals and rare matches, in runs
 * of the default length and in runs of a few documents, so that pages span many.
 */
class TimeOrderedSearchTest {
  private static final List<String> VERBS = List.of("get", "list", "create", "delete");
  private static final List<String> NAMESPACES = List.of("default", "shop", "rare");

  @TempDir Path dir;

  @Test
  void pagesInEitherOrderMatchASortOfEveryMatch() throws IOException {
    long seed = TestSeed.of("TimeOrderedSearchTest");
    Random r = new Random(seed);
    List<StoredEvent> stored = new ArrayList<>();
    try (LuceneStore store =
        LuceneStore.open(dir, StoreOptions.defaults(), LuceneOptions.defaults())) {
      Searches shortRuns = store.searches(7);
      long micros = 0;
      for (int b = 0; b < 12; b++) {
        List<StoredEvent> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          // Mostly forward, sometimes a burst at one instant, sometimes an event received late.
          micros += r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(2_000_000);
          long at = r.nextInt(50) == 0 ? Math.max(0, micros - r.nextInt(600_000_000)) : micros;
          batch.add(event(r, stored.size() + batch.size(), T0.plus(at, ChronoUnit.MICROS)));
        }
        store.append(Batch.of(batch));
        stored.addAll(batch);
      }
      Instant end = T0.plus(micros, ChronoUnit.MICROS);
      for (int q = 0; q < 60; q++) {
        EventQuery query = query(r, end);
        int pageSize = 1 + r.nextInt(q % 3 == 0 ? 300 : 20);
        assertPagesSortEveryMatch(store, shortRuns, stored, query, pageSize, seed);
      }
    }
  }

  @Test
  void timeRangesThatStartOrEndAtAnEventKeepItsEdges() throws IOException {
    long seed = TestSeed.of("TimeOrderedSearchTest.edges");
    Random r = new Random(seed);
    List<StoredEvent> stored = new ArrayList<>();
    try (LuceneStore store =
        LuceneStore.open(dir, StoreOptions.defaults(), LuceneOptions.defaults())) {
      Searches shortRuns = store.searches(7);
      long micros = 0;
      for (int b = 0; b < 4; b++) {
        List<StoredEvent> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          // Several events at most instants, so that a range's edge falls inside a group of them.
          micros += r.nextInt(3) == 0 ? 1 + r.nextInt(1_000) : 0;
          batch.add(event(r, stored.size() + batch.size(), T0.plus(micros, ChronoUnit.MICROS)));
        }
        store.append(Batch.of(batch));
        stored.addAll(batch);
      }
      for (int q = 0; q < 40; q++) {
        Instant a = received(stored.get(r.nextInt(stored.size())));
        Instant b = received(stored.get(r.nextInt(stored.size())));
        EventQuery.Builder builder =
            EventQuery.builder()
                .order(q % 2 == 0 ? EventQuery.Order.NEWEST_FIRST : EventQuery.Order.OLDEST_FIRST);
        if (q % 3 != 1) {
          builder.since(a.isBefore(b) ? a : b);
        }
        if (q % 3 != 2) {
          builder.until(a.isBefore(b) ? b : a);
        }
        if (q % 4 == 3) {
          builder.verbs("get");
        }
        EventQuery query = builder.build();
        assertPagesSortEveryMatch(store, shortRuns, stored, query, 1 + r.nextInt(30), seed);
      }
    }
  }

  @Test
  void eachRoundReadsWhatTheHitsFoundSayThePageNeedsWithinLimits() {
    // Nothing found yet: eight times the runs.
    assertThat(TimeOrderedSearch.nextSize(1, 1, 0, 101)).isEqualTo(8);
    // A few found: the estimate, here far beyond eightfold.
    assertThat(TimeOrderedSearch.nextSize(1, 1, 1, 101)).isEqualTo(8);
    // 51 more wanted at 50 hits in 7 runs: 7 more runs, half again 10, between 8 and 32.
    assertThat(TimeOrderedSearch.nextSize(4, 7, 50, 101)).isEqualTo(10);
    // Nearly full: at least twice the last round.
    assertThat(TimeOrderedSearch.nextSize(4, 7, 100, 101)).isEqualTo(8);
    // A full page: the stragglers whose spans can still beat it, twice as many at a time.
    assertThat(TimeOrderedSearch.nextSize(16, 31, 500, 101)).isEqualTo(32);
    assertThat(TimeOrderedSearch.nextSize(Integer.MAX_VALUE / 2, 3, 0, 101))
        .isEqualTo(Integer.MAX_VALUE / 2);
  }

  /**
   * The pages of {@code query}, with runs of the default length and of 7 documents, hold every
   * matching event of {@code stored} as a plain sort orders them. Equal receive times are ordered
   * by sequence number, which a stable sort of the stored order keeps; reversed for newest first,
   * as the store orders them.
   */
  private static void assertPagesSortEveryMatch(
      LuceneStore store,
      Searches shortRuns,
      List<StoredEvent> stored,
      EventQuery query,
      int pageSize,
      long seed)
      throws IOException {
    List<StoredEvent> expected =
        stored.stream()
            .filter(e -> ReferenceQuery.selects(query, e))
            .sorted(Comparator.comparing(TimeOrderedSearchTest::received))
            .toList();
    if (query.order() == EventQuery.Order.NEWEST_FIRST) {
      expected = new ArrayList<>(expected);
      Collections.reverse(expected);
    }
    assertThat(pages((c) -> store.search(query, pageSize, c)))
        .as("seed %d, query %s, pages of %d", seed, query, pageSize)
        .containsExactlyElementsOf(expected);
    assertThat(pages((c) -> shortRuns.search(query, pageSize, c)))
        .as("runs of 7: seed %d, query %s, pages of %d", seed, query, pageSize)
        .containsExactlyElementsOf(expected);
  }

  private static StoredEvent event(Random r, int n, Instant received) {
    String namespace = r.nextInt(200) == 0 ? "rare" : NAMESPACES.get(r.nextInt(2));
    return TestEvents.event("id-" + n)
        .verb(VERBS.get(r.nextInt(VERBS.size())))
        .object("", "pods", namespace, "p" + r.nextInt(50))
        .received(received)
        .build();
  }

  private static EventQuery query(Random r, Instant end) {
    EventQuery.Builder q = EventQuery.builder();
    q.order(r.nextBoolean() ? EventQuery.Order.NEWEST_FIRST : EventQuery.Order.OLDEST_FIRST);
    switch (r.nextInt(4)) {
      case 0 -> q.namespace("rare");
      case 1 -> q.verbs(VERBS.get(r.nextInt(VERBS.size())));
      default -> {}
    }
    long span = ChronoUnit.MICROS.between(T0, end);
    if (r.nextBoolean()) {
      q.since(T0.plus((long) (r.nextDouble() * span), ChronoUnit.MICROS));
    }
    if (r.nextBoolean()) {
      q.until(T0.plus((long) (r.nextDouble() * span * 1.1), ChronoUnit.MICROS));
    }
    return q.build();
  }

  private static Instant received(StoredEvent e) {
    return e.event().requestReceivedTimestamp();
  }

  /** One page after a cursor. */
  private interface Pages {
    SearchPage after(Optional<PageCursor> cursor) throws IOException;
  }

  private static List<StoredEvent> pages(Pages pages) throws IOException {
    List<StoredEvent> out = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = pages.after(cursor);
      out.addAll(page.events());
      cursor = page.next();
    } while (cursor.isPresent());
    return out;
  }
}
