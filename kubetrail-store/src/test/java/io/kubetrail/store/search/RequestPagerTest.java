package io.kubetrail.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.event.Stage;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.RandomEvents;
import io.kubetrail.store.ReferenceQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Pages of requests at their latest stage, and the cursor that continues them. */
class RequestPagerTest {

  @Test
  void everyRequestOnceAtItsLatestStageAcrossPages() throws IOException {
    Random r = new Random(20261205);
    Map<StoredEvent.Identity, StoredEvent> kept = new LinkedHashMap<>();
    for (int i = 0; i < 600; i++) {
      StoredEvent e = RandomEvents.event(r);
      kept.putIfAbsent(e.identity(), e);
    }
    List<StoredEvent> all = new ArrayList<>(kept.values());
    Path dir = Files.createTempDirectory("kubetrail-pager");
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(all));
      for (int q = 0; q < 40; q++) {
        EventQuery query = RandomEvents.query(r).toBuilder().stages(java.util.Set.of()).build();
        if (r.nextBoolean()) {
          query = query.toBuilder().order(EventQuery.Order.OLDEST_FIRST).build();
        }
        // A request is (cluster, auditID, receive time); its line is its latest matching stage.
        Map<String, Integer> latest = new HashMap<>();
        for (StoredEvent e : all) {
          if (ReferenceQuery.selects(query, e)) {
            latest.merge(request(e), rank(e.event().stage()), Math::max);
          }
        }
        List<StoredEvent> shown = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int limit = 1 + r.nextInt(7);
        do {
          RequestPage page = RequestPager.page(store, query, limit, cursor);
          shown.addAll(page.events());
          cursor = page.next();
        } while (cursor.isPresent());
        Map<String, Integer> seen = new HashMap<>();
        for (StoredEvent e : shown) {
          assertThat(seen.put(request(e), rank(e.event().stage())))
              .as("%s shown twice for %s", request(e), query)
              .isNull();
        }
        assertThat(seen).as("%s", query).isEqualTo(latest);
        for (int i = 1; i < shown.size(); i++) {
          int c =
              shown
                  .get(i - 1)
                  .event()
                  .requestReceivedTimestamp()
                  .truncatedTo(ChronoUnit.MICROS)
                  .compareTo(
                      shown
                          .get(i)
                          .event()
                          .requestReceivedTimestamp()
                          .truncatedTo(ChronoUnit.MICROS));
          assertThat(query.order() == EventQuery.Order.NEWEST_FIRST ? c >= 0 : c <= 0)
              .as("order of %s", query)
              .isTrue();
        }
      }
    }
  }

  @Test
  void aCrowdedReceiveTimeShowsEachRequestOnceOnOnePage() throws IOException {
    // More requests share one receive time than a page's grouping scans before it keeps a map.
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (Stage stage : List.of(Stage.RequestReceived, Stage.ResponseComplete)) {
        events.add(TestEvents.event("crowd-" + i).stage(stage).received(TestEvents.T0).build());
      }
    }
    events.add(TestEvents.event("later").received(TestEvents.T0.plusSeconds(1)).build());
    Path dir = Files.createTempDirectory("kubetrail-pager");
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(events));
      RequestPage first =
          RequestPager.page(store, EventQuery.builder().build(), 1, Optional.empty());
      assertThat(first.events()).extracting(e -> e.event().auditID()).containsExactly("later");
      RequestPage crowd = RequestPager.page(store, EventQuery.builder().build(), 5, first.next());
      assertThat(crowd.events()).hasSize(40);
      assertThat(crowd.events())
          .extracting(e -> e.event().auditID())
          .doesNotHaveDuplicates()
          .allMatch(id -> id.startsWith("crowd-"));
      assertThat(crowd.events()).allMatch(e -> e.event().stage() == Stage.ResponseComplete);
      assertThat(crowd.next()).isEmpty();
    }
  }

  @Test
  void pickedStagesAreEachShown() throws IOException {
    Random r = new Random(7);
    Map<StoredEvent.Identity, StoredEvent> kept = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      StoredEvent e = RandomEvents.event(r);
      kept.putIfAbsent(e.identity(), e);
    }
    Path dir = Files.createTempDirectory("kubetrail-pager");
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(new ArrayList<>(kept.values())));
      EventQuery query = EventQuery.builder().stages(Stage.values()).build();
      List<StoredEvent> shown = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      do {
        RequestPage page = RequestPager.page(store, query, 9, cursor);
        shown.addAll(page.events());
        cursor = page.next();
      } while (cursor.isPresent());
      assertThat(shown).hasSize(kept.size());
    }
  }

  @Property(seed = "20261205")
  void cursorsRoundTrip(@ForAll @LongRange(min = -1L << 60, max = 1L << 60) long micros) {
    for (EventQuery.Order o : EventQuery.Order.values()) {
      assertThat(RequestPager.decode(RequestPager.encode(o, micros), o)).isEqualTo(micros);
    }
  }

  @Property(seed = "20261205")
  void anyTextIsACursorOrABadParameter(@ForAll String text) {
    try {
      RequestPager.decode(text, EventQuery.Order.NEWEST_FIRST);
    } catch (BadParameterException e) {
      assertThat(e.parameter()).isEqualTo("cursor");
    }
  }

  @Test
  void aCursorOfTheOtherOrderIsRefused() {
    String newest = RequestPager.encode(EventQuery.Order.NEWEST_FIRST, 5);
    assertThatThrownBy(() -> RequestPager.decode(newest, EventQuery.Order.OLDEST_FIRST))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining("other order");
  }

  private static String request(StoredEvent e) {
    return e.cluster()
        + "|"
        + e.event().auditID()
        + "|"
        + e.event().requestReceivedTimestamp().truncatedTo(ChronoUnit.MICROS);
  }

  private static int rank(Stage s) {
    return RequestPager.rank(s);
  }
}
