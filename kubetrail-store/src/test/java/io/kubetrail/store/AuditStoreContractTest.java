package io.kubetrail.store;

import static io.kubetrail.store.TestEvents.T0;
import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link AuditStore} must have. An implementation's test extends this class and
 * says where fresh stores may be made; every test here then opens them by their location, through
 * {@link AuditStores#open} as users do, and runs against them.
 */
public abstract class AuditStoreContractTest {

  /**
   * A location where no store is yet, different for each call: a directory, or a cluster's URL.
   * Property tries call it too, where JUnit's temporary directories are not made.
   */
  protected abstract String freshLocation(String name) throws IOException;

  /** Removes what a store at a {@link #freshLocation} left behind, once it is closed. */
  protected void discard(String location) throws IOException {}

  /** Opens (creating when absent) the store at {@code location}. */
  protected AuditStore newStore(String location, StoreOptions options) throws IOException {
    return AuditStores.open(location, options);
  }

  /** Opens (creating when absent) the store at {@code location} with default options. */
  protected AuditStore newStore(String location) throws IOException {
    return newStore(location, StoreOptions.defaults());
  }

  /** Closes a store and opens it again, as a restarted process would. */
  protected AuditStore reopen(AuditStore store, String location) throws IOException {
    store.close();
    return newStore(location);
  }

  protected String location;
  protected AuditStore store;
  private final List<String> made = new ArrayList<>();

  /** A fresh location, discarded after the test. */
  protected String freshTestLocation(String name) throws IOException {
    String l = freshLocation(name);
    made.add(l);
    return l;
  }

  @BeforeEach
  void openStore() throws IOException {
    location = freshTestLocation("store");
    store = newStore(location);
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
    for (String l : made) {
      discard(l);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  protected static Batch batch(StoredEvent... events) {
    return Batch.of(List.of(events));
  }

  protected static List<String> ids(List<StoredEvent> events) {
    return events.stream().map(e -> e.event().auditID()).toList();
  }

  protected static List<String> ids(EventStream stream) throws IOException {
    try (stream) {
      return ids(stream.toList());
    }
  }

  protected List<StoredEvent> all(EventQuery query) throws IOException {
    List<StoredEvent> out = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = store.search(query, 7, cursor);
      out.addAll(page.events());
      cursor = page.next();
    } while (cursor.isPresent());
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Empty store, append and read back

  @Test
  void emptyStoreHasNothing() throws IOException {
    assertThat(store.count(EventQuery.all())).isZero();
    assertThat(store.checkpoints()).isEmpty();
    SearchPage page = store.search(EventQuery.all(), 10, Optional.empty());
    assertThat(page.events()).isEmpty();
    assertThat(page.next()).isEmpty();
    assertThat(store.histogram(EventQuery.all(), Duration.ofMinutes(1))).isEmpty();
    VerifyResult verify = store.verify();
    assertThat(verify.ok()).as(verify.toString()).isTrue();
    assertThat(verify.batchesChecked()).isZero();
  }

  @Test
  void eventsReadBackExactlyAsAppended() throws IOException {
    StoredEvent a =
        event("a")
            .impersonatedUser("bob")
            .groups("dev", "ops")
            .sourceIPs("10.0.0.1", "192.168.1.5")
            .uid("u-1")
            .resourceVersion("42")
            .annotation("authorization.k8s.io/reason", "RBAC: allowed")
            .extraField("unknown fields survive")
            .build();
    StoredEvent b = event("b").nonResource().verb("get").noUser().noCode().at(5).build();
    AppendResult result = store.append(batch(a, b));
    assertThat(result.stored()).isEqualTo(2);
    assertThat(result.duplicates()).isZero();
    assertThat(result.batchSequence()).isPresent();

    List<StoredEvent> found =
        all(EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build());
    assertThat(found).containsExactly(a, b);
    assertThat(found.get(0).event().json().toString()).contains("unknown fields survive");
  }

  @Test
  void eventsSurviveReopen() throws IOException {
    StoredEvent a = event("a").build();
    store.append(batch(a));
    store = reopen(store, location);
    assertThat(all(EventQuery.all())).containsExactly(a);
  }

  // ---------------------------------------------------------------------------------------------
  // Idempotency

  @Test
  void appendingTheSameEventsAgainStoresNothing() throws IOException {
    StoredEvent a = event("a").build();
    StoredEvent b = event("b").at(1).build();
    assertThat(store.append(batch(a, b)).stored()).isEqualTo(2);
    AppendResult again = store.append(batch(a, b));
    assertThat(again.stored()).isZero();
    assertThat(again.duplicates()).isEqualTo(2);
    assertThat(again.batchSequence()).isEmpty();
    assertThat(store.count(EventQuery.all())).isEqualTo(2);
  }

  @Test
  void duplicatesWithinOneBatchAreStoredOnce() throws IOException {
    StoredEvent a = event("a").build();
    AppendResult result = store.append(batch(a, a, event("b").build(), a));
    assertThat(result.stored()).isEqualTo(2);
    assertThat(result.duplicates()).isEqualTo(2);
    assertThat(store.count(EventQuery.all())).isEqualTo(2);
  }

  @Test
  void identityIsClusterAuditIdStageAndReceivedTime() throws IOException {
    StoredEvent base = event("a").build();
    store.append(batch(base));
    // The same identity with other content is still the same event: the first one stays.
    StoredEvent sameIdentity = event("a").verb("delete").user("mallory").build();
    assertThat(store.append(batch(sameIdentity)).stored()).isZero();
    assertThat(all(EventQuery.all())).containsExactly(base);

    StoredEvent otherCluster = event("a").cluster("staging").build();
    StoredEvent otherStage = event("a").stage(Stage.ResponseStarted).build();
    StoredEvent otherTime = event("a").received(T0.plusNanos(1000)).build();
    AppendResult result = store.append(batch(otherCluster, otherStage, otherTime));
    assertThat(result.stored()).isEqualTo(3);
    assertThat(store.count(EventQuery.all())).isEqualTo(4);
  }

  @Test
  void longAuditIdsAndNanosecondsTellEventsApart() throws IOException {
    // Longer than any index keeps as one keyword; only the end differs.
    String prefix = "x".repeat(10_000);
    StoredEvent first = event(prefix + "1").build();
    StoredEvent second = event(prefix + "2").build();
    StoredEvent nanoLater = event(prefix + "1").received(T0.plusNanos(1)).build();
    store.append(batch(first));
    assertThat(store.append(batch(second, nanoLater)).stored()).isEqualTo(2);

    AppendResult again = store.append(batch(nanoLater, second, first));
    assertThat(again.stored()).isZero();
    assertThat(again.duplicates()).isEqualTo(3);
    assertThat(store.count(EventQuery.all())).isEqualTo(3);
  }

  @Test
  void duplicatesAreFoundAfterReopenAndAmongManyBatches() throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      events.add(event("e" + i).at(i % 17).build());
    }
    for (int i = 0; i < 60; i += 10) {
      store.append(Batch.of(events.subList(i, i + 10)));
    }
    store = reopen(store, location);
    List<StoredEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(7));
    AppendResult result = store.append(Batch.of(shuffled));
    assertThat(result.stored()).isZero();
    assertThat(result.duplicates()).isEqualTo(60);
    assertThat(store.count(EventQuery.all())).isEqualTo(60);
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints

  @Test
  void checkpointsAreCommittedWithTheirBatch() throws IOException {
    store.append(Batch.of(List.of(event("a").build()), "file:/a.log", new SourceCheckpoint("100")));
    store.append(Batch.of(List.of(event("b").build()), "file:/b.log", new SourceCheckpoint("7")));
    store.append(Batch.of(List.of(event("c").build()), "file:/a.log", new SourceCheckpoint("250")));
    assertThat(store.checkpoints())
        .isEqualTo(
            Map.of(
                "file:/a.log", new SourceCheckpoint("250"),
                "file:/b.log", new SourceCheckpoint("7")));
    store = reopen(store, location);
    assertThat(store.checkpoints()).containsEntry("file:/a.log", new SourceCheckpoint("250"));
  }

  @Test
  void checkpointsAdvanceWithoutNewEvents() throws IOException {
    StoredEvent a = event("a").build();
    store.append(Batch.of(List.of(a), "src", new SourceCheckpoint("1")));
    AppendResult dupOnly = store.append(Batch.of(List.of(a), "src", new SourceCheckpoint("2")));
    assertThat(dupOnly.stored()).isZero();
    assertThat(store.checkpoints()).containsEntry("src", new SourceCheckpoint("2"));
    store.append(Batch.of(List.of(), "src", new SourceCheckpoint("3")));
    store = reopen(store, location);
    assertThat(store.checkpoints()).containsEntry("src", new SourceCheckpoint("3"));
    assertThat(store.verify().ok()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Query filters

  /** A small corpus where each filter below picks a known subset. */
  protected static List<StoredEvent> corpus() {
    return List.of(
        event("c1").at(0).build(),
        event("c2").at(10).verb("delete").code(200).object("", "pods", "default", "web").build(),
        event("c3")
            .at(20)
            .verb("update")
            .code(200)
            .object("networking.k8s.io", "networkpolicies", "shop", "deny-all")
            .user("bob")
            .groups("system:serviceaccounts")
            .build(),
        event("c4").at(30).verb("create").code(403).decision("forbid").user("eve").build(),
        event("c5").at(40).verb("patch").code(200).dryRun().build(),
        event("c6")
            .at(50)
            .verb("get")
            .code(200)
            .stage(Stage.ResponseStarted)
            .level(Level.Metadata)
            .build(),
        event("c7")
            .at(60)
            .cluster("staging")
            .verb("update")
            .code(200)
            .object("", "namespaces", "team-a", "team-a")
            .build(),
        event("c8")
            .at(70)
            .verb("list")
            .code(200)
            .object("apps", "deployments", "", "")
            .level(Level.Request)
            .userAgent("controller-manager/v1.31")
            .sourceIPs("172.16.0.9")
            .build(),
        event("c9")
            .at(80)
            .verb("create")
            .code(201)
            .object("", "pods", "default", "")
            .name("web-x7k2p")
            .impersonatedUser("system:admin")
            .build(),
        event("c10")
            .at(90)
            .verb("update")
            .code(200)
            .object("", "pods", "default", "web")
            .subresource("status")
            .stage(Stage.ResponseComplete)
            .build(),
        event("c11").at(100).nonResource().verb("get").noUser().code(401).build(),
        event("c12")
            .at(110)
            .verb("deletecollection")
            .code(200)
            .object("", "pods", "shop", "")
            .stage(Stage.RequestReceived)
            .noCode()
            .build());
  }

  static Stream<Arguments> filters() {
    Instant t = T0;
    return Stream.of(
        Arguments.of("all", EventQuery.all(), ids(corpus())),
        Arguments.of("cluster", EventQuery.builder().clusters("staging").build(), List.of("c7")),
        Arguments.of(
            "since inclusive",
            EventQuery.builder().since(t.plusSeconds(100)).build(),
            List.of("c11", "c12")),
        Arguments.of(
            "until exclusive",
            EventQuery.builder().until(t.plusSeconds(20)).build(),
            List.of("c1", "c2")),
        Arguments.of(
            "time range",
            EventQuery.builder().since(t.plusSeconds(30)).until(t.plusSeconds(50)).build(),
            List.of("c4", "c5")),
        Arguments.of(
            "verbs", EventQuery.builder().verbs("delete", "patch").build(), List.of("c2", "c5")),
        Arguments.of(
            "core api group",
            EventQuery.builder().apiGroup("").resource("pods").build(),
            List.of("c1", "c2", "c4", "c5", "c6", "c9", "c10", "c12")),
        Arguments.of(
            "api group", EventQuery.builder().apiGroup("networking.k8s.io").build(), List.of("c3")),
        Arguments.of(
            "resource", EventQuery.builder().resource("deployments").build(), List.of("c8")),
        Arguments.of(
            "subresource", EventQuery.builder().subresource("status").build(), List.of("c10")),
        Arguments.of(
            "no subresource",
            EventQuery.builder().subresource("").resource("pods").namespace("default").build(),
            List.of("c1", "c2", "c4", "c5", "c6", "c9")),
        Arguments.of(
            "namespace", EventQuery.builder().namespace("shop").build(), List.of("c3", "c12")),
        Arguments.of(
            "cluster-scoped (empty namespace)",
            EventQuery.builder().namespace("").build(),
            List.of("c8")),
        Arguments.of(
            "name matches objectRef.name or the enriched name",
            EventQuery.builder().name("web").build(),
            List.of("c1", "c2", "c4", "c5", "c6", "c10")),
        Arguments.of(
            "generateName object by its enriched name",
            EventQuery.builder().name("web-x7k2p").build(),
            List.of("c9")),
        Arguments.of(
            "object, with its subresources",
            EventQuery.builder().object(new ObjectKey("", "pods", "default", "web")).build(),
            List.of("c1", "c2", "c4", "c5", "c6", "c10")),
        Arguments.of(
            "object created by generateName",
            EventQuery.builder().object(new ObjectKey("", "pods", "default", "web-x7k2p")).build(),
            List.of("c9")),
        Arguments.of(
            "object in any cluster: a Namespace",
            EventQuery.builder().object(new ObjectKey("", "namespaces", "", "team-a")).build(),
            List.of("c7")),
        Arguments.of(
            "object in another cluster",
            EventQuery.builder()
                .clusters("prod")
                .object(new ObjectKey("", "namespaces", "", "team-a"))
                .build(),
            List.of()),
        Arguments.of("auditID", EventQuery.builder().auditID("c4").build(), List.of("c4")),
        Arguments.of("user", EventQuery.builder().user("bob").build(), List.of("c3")),
        Arguments.of(
            "group", EventQuery.builder().group("system:serviceaccounts").build(), List.of("c3")),
        Arguments.of(
            "impersonated user",
            EventQuery.builder().impersonatedUser("system:admin").build(),
            List.of("c9")),
        Arguments.of(
            "source IP", EventQuery.builder().sourceIP("172.16.0.9").build(), List.of("c8")),
        Arguments.of(
            "user agent",
            EventQuery.builder().userAgent("controller-manager/v1.31").build(),
            List.of("c8")),
        Arguments.of(
            "response codes",
            EventQuery.builder().responseCodes(401, 403).build(),
            List.of("c4", "c11")),
        Arguments.of(
            "levels",
            EventQuery.builder().levels(Level.Metadata, Level.Request).build(),
            List.of("c6", "c8")),
        Arguments.of(
            "stages",
            EventQuery.builder().stages(Stage.ResponseStarted, Stage.RequestReceived).build(),
            List.of("c6", "c12")),
        Arguments.of(
            "authorization decision",
            EventQuery.builder().decision("forbid").build(),
            List.of("c4")),
        Arguments.of(
            "exclude dry run",
            EventQuery.builder().verbs("patch", "delete").excludeDryRun(true).build(),
            List.of("c2")),
        Arguments.of(
            "changes only",
            EventQuery.builder().changesOnly(true).build(),
            List.of("c1", "c2", "c3", "c7", "c9", "c10")),
        Arguments.of(
            "criteria combine",
            EventQuery.builder()
                .clusters("prod")
                .changesOnly(true)
                .resource("pods")
                .since(t.plusSeconds(5))
                .build(),
            List.of("c2", "c9", "c10")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void filterSelectsTheEventsItNames(String what, EventQuery query, List<String> expected)
      throws IOException {
    List<StoredEvent> corpus = new ArrayList<>(corpus());
    // Two batches, the later events first, as from two API servers.
    store.append(Batch.of(corpus.subList(6, corpus.size())));
    store.append(Batch.of(corpus.subList(0, 6)));
    EventQuery oldestFirst = query.toBuilder().order(EventQuery.Order.OLDEST_FIRST).build();
    assertThat(ids(all(oldestFirst))).as(what).containsExactlyElementsOf(expected);
    assertThat(store.count(query)).as(what).isEqualTo(expected.size());
    // The reference definition and EventQuery.matches agree with the hand-written expectation.
    assertThat(ids(corpus.stream().filter(e -> ReferenceQuery.selects(query, e)).toList()))
        .as(what)
        .containsExactlyElementsOf(expected);
    assertThat(ids(corpus.stream().filter(query::matches).toList()))
        .as(what)
        .containsExactlyElementsOf(expected);
  }

  // ---------------------------------------------------------------------------------------------
  // Paging and order

  @Test
  void pagesCoverEveryEventOnceInOrder() throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      // Three events share each timestamp: ties are broken by append order.
      events.add(event(String.format("e%02d", i)).at(i / 3).build());
    }
    List<StoredEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(3));
    store.append(Batch.of(shuffled.subList(0, 12)));
    store.append(Batch.of(shuffled.subList(12, 25)));

    for (EventQuery.Order order : EventQuery.Order.values()) {
      EventQuery query = EventQuery.builder().order(order).build();
      List<StoredEvent> seen = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      Optional<PageCursor> cursor = Optional.empty();
      do {
        SearchPage page = store.search(query, 10, cursor);
        sizes.add(page.events().size());
        seen.addAll(page.events());
        cursor = page.next();
      } while (cursor.isPresent());
      assertThat(sizes).containsExactly(10, 10, 5);
      assertThat(seen).containsExactlyInAnyOrderElementsOf(events);
      Comparator<StoredEvent> byTime =
          Comparator.comparing(e -> e.event().requestReceivedTimestamp());
      assertThat(seen)
          .isSortedAccordingTo(order == EventQuery.Order.OLDEST_FIRST ? byTime : byTime.reversed());
    }
  }

  @Test
  void lastPageHasNoCursor() throws IOException {
    store.append(batch(event("a").build(), event("b").at(1).build()));
    SearchPage page = store.search(EventQuery.all(), 2, Optional.empty());
    assertThat(ids(page.events())).containsExactly("b", "a");
    assertThat(page.next()).isEmpty();
  }

  @Test
  void cursorStaysValidAcrossAppends() throws IOException {
    for (int i = 0; i < 6; i++) {
      store.append(batch(event("e" + i).at(i).build()));
    }
    EventQuery oldest = EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build();
    SearchPage first = store.search(oldest, 3, Optional.empty());
    store.append(batch(event("late").at(100).build(), event("early").at(-5).build()));
    SearchPage second = store.search(oldest, 10, first.next());
    assertThat(ids(first.events())).containsExactly("e0", "e1", "e2");
    assertThat(ids(second.events())).containsExactly("e3", "e4", "e5", "late");
  }

  @Test
  void cursorOfTheOtherOrderIsRefused() throws IOException {
    store.append(batch(event("a").build(), event("b").at(1).build()));
    PageCursor cursor = store.search(EventQuery.all(), 1, Optional.empty()).next().orElseThrow();
    EventQuery oldest = EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build();
    assertThatThrownBy(() -> store.search(oldest, 1, Optional.of(cursor)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("order");
    assertThatThrownBy(() -> store.search(oldest, 1, Optional.of(new PageCursor("garbage"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("garbage");
  }

  @Test
  void pageSizeIsLimited() throws IOException {
    int max = StoreOptions.defaults().maxPageSize();
    assertThatThrownBy(() -> store.search(EventQuery.all(), max + 1, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(max + 1))
        .hasMessageContaining(String.valueOf(max))
        .hasMessageContaining(StoreOptions.MAX_PAGE_SIZE_SETTING);
    assertThatThrownBy(() -> store.search(EventQuery.all(), 0, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Histogram

  @Test
  void histogramCountsEventsPerBucket() throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    long[] seconds = {0, 30, 59, 60, 61, 300, 301, 302, 305};
    for (int i = 0; i < seconds.length; i++) {
      events.add(event("h" + i).at(seconds[i]).verb(i % 2 == 0 ? "create" : "get").build());
    }
    store.append(Batch.of(events));
    assertThat(store.histogram(EventQuery.all(), Duration.ofMinutes(1)))
        .containsExactly(
            new HistogramBucket(T0, 3),
            new HistogramBucket(T0.plusSeconds(60), 2),
            new HistogramBucket(T0.plusSeconds(300), 4));
    assertThat(store.histogram(EventQuery.builder().verbs("get").build(), Duration.ofMinutes(5)))
        .containsExactly(new HistogramBucket(T0, 2), new HistogramBucket(T0.plusSeconds(300), 2));
  }

  @Test
  void histogramBucketsAreLimited() throws IOException {
    store.close();
    store =
        newStore(freshTestLocation("small"), StoreOptions.builder().maxHistogramBuckets(2).build());
    store.append(
        batch(event("a").at(0).build(), event("b").at(60).build(), event("c").at(120).build()));
    assertThat(store.histogram(EventQuery.all(), Duration.ofMinutes(2))).hasSize(2);
    assertThatThrownBy(() -> store.histogram(EventQuery.all(), Duration.ofMinutes(1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("2")
        .hasMessageContaining(StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING);
  }

  // ---------------------------------------------------------------------------------------------
  // History

  @Test
  void historyHasEveryEventAboutOneObjectInTheOrderTheyHappened() throws IOException {
    ObjectKey web = new ObjectKey("", "pods", "default", "web");
    StoredEvent created = event("create").at(0).build();
    StoredEvent forbidden =
        event("forbidden").at(5).verb("update").code(403).decision("forbid").build();
    StoredEvent dryRun = event("dry").at(6).verb("patch").code(200).dryRun().build();
    StoredEvent status =
        event("status").at(7).verb("update").code(200).subresource("status").build();
    StoredEvent read = event("read").at(8).verb("get").code(200).build();
    StoredEvent deleted = event("delete").at(9).verb("delete").code(200).build();
    StoredEvent otherNamespace = event("other-ns").at(3).object("", "pods", "shop", "web").build();
    StoredEvent otherCluster = event("other-cluster").at(3).cluster("staging").build();
    StoredEvent otherKind =
        event("other-kind").at(3).object("", "services", "default", "web").build();
    // The update's request arrived first but completed last.
    StoredEvent slow =
        event("slow")
            .at(1)
            .verb("update")
            .code(200)
            .stageTime(T0.plusSeconds(8).plusMillis(500))
            .build();
    store.append(batch(deleted, read, otherNamespace, slow));
    store.append(batch(status, dryRun, created, forbidden, otherCluster, otherKind));

    assertThat(ids(store.history("prod", web)))
        .containsExactly("create", "forbidden", "dry", "status", "read", "slow", "delete");
    assertThat(ids(store.history("staging", web))).containsExactly("other-cluster");
  }

  @Test
  void historyFindsACreateByGenerateNameThroughTheEnrichedName() throws IOException {
    StoredEvent create = event("gen").object("", "pods", "default", "").name("web-x7k2p").build();
    StoredEvent update =
        event("upd")
            .at(1)
            .verb("update")
            .code(200)
            .object("", "pods", "default", "web-x7k2p")
            .build();
    StoredEvent failed =
        event("failed").at(2).object("", "pods", "default", "").code(422).name("-").build();
    store.append(batch(update, create, failed));
    assertThat(ids(store.history("prod", new ObjectKey("", "pods", "default", "web-x7k2p"))))
        .containsExactly("gen", "upd");
  }

  @Test
  void historyOfANamespaceIsClusterScoped() throws IOException {
    // kube-apiserver puts a Namespace's own name in objectRef.namespace.
    StoredEvent create = event("ns").object("", "namespaces", "team-a", "team-a").build();
    StoredEvent podInIt = event("pod").at(1).object("", "pods", "team-a", "team-a").build();
    store.append(batch(create, podInIt));
    assertThat(ids(store.history("prod", new ObjectKey("", "namespaces", "", "team-a"))))
        .containsExactly("ns");
  }

  // ---------------------------------------------------------------------------------------------
  // Scan of changes, for replay

  @Test
  void scanChangesFollowsStageTimestampWhateverTheAppendOrder() throws IOException {
    // Two HA API servers log to their own files; they are ingested one after the other.
    List<StoredEvent> serverA = new ArrayList<>();
    List<StoredEvent> serverB = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      StoredEvent e =
          event("s" + i)
              .at(i)
              .verb(i % 3 == 0 ? "create" : "update")
              .code(200)
              .object("", "configmaps", "default", "cm" + i)
              .build();
      (i % 2 == 0 ? serverA : serverB).add(e);
    }
    store.append(Batch.of(serverB));
    store.append(Batch.of(serverA));
    // Noise that is not a change.
    store.append(
        batch(
            event("n-get").at(2).verb("get").code(200).build(),
            event("n-forbidden").at(3).verb("delete").code(403).build(),
            event("n-dry").at(4).verb("delete").code(200).dryRun().build(),
            event("n-started").at(5).verb("update").code(200).stage(Stage.ResponseStarted).build(),
            event("n-received").at(5).verb("update").stage(Stage.RequestReceived).noCode().build(),
            event("n-other-cluster").at(6).cluster("staging").code(201).build()));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add("s" + i);
    }
    assertThat(ids(store.scanChanges("prod", T0, T0.plusSeconds(60))))
        .containsExactlyElementsOf(expected);
    // [from, to) on stageTimestamp, which is 1 ms after requestReceivedTimestamp here.
    assertThat(
            ids(
                store.scanChanges(
                    "prod", T0.plusSeconds(2).plusMillis(1), T0.plusSeconds(4).plusMillis(1))))
        .containsExactly("s2", "s3");
    assertThat(ids(store.scanChanges("staging", T0, T0.plusSeconds(60))))
        .containsExactly("n-other-cluster");
  }

  @Test
  void scanChangesOfSomeResourcesKeepsTheOrderAndLeavesOthersOut() throws IOException {
    store.append(
        batch(
            event("pod-b").at(2).code(201).object("", "pods", "default", "b").build(),
            event("cm").at(1).code(201).object("", "configmaps", "default", "c").build(),
            event("pod-a").at(1).code(201).object("", "pods", "default", "a").build(),
            event("netpol")
                .at(3)
                .code(200)
                .object("extensions", "networkpolicies", "x", "p")
                .build(),
            event("pod-get").at(4).verb("get").code(200).object("", "pods", "default", "a").build(),
            event("other").at(5).cluster("staging").object("", "pods", "d", "a").build()));

    assertThat(
            ids(
                store.scanChanges(
                    "prod", T0, T0.plusSeconds(60), Set.of("pods", "networkpolicies"))))
        .containsExactly("pod-a", "pod-b", "netpol");
    assertThat(ids(store.scanChanges("prod", T0, T0.plusSeconds(60), Set.of("secrets")))).isEmpty();
    assertThatThrownBy(() -> store.scanChanges("prod", T0, T0.plusSeconds(60), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resources must not be empty");
  }

  @Test
  void scanChangesBreaksTiesByReceivedTimeThenAuditId() throws IOException {
    Instant same = T0.plusSeconds(10);
    store.append(
        batch(
            event("b").at(2).stageTime(same).code(201).build(),
            event("c").at(1).stageTime(same).code(201).build(),
            event("a").at(2).stageTime(same).code(201).build(),
            event("first").at(0).stageTime(same.minusNanos(1000)).code(201).build()));
    assertThat(ids(store.scanChanges("prod", T0, T0.plusSeconds(60))))
        .containsExactly("first", "c", "a", "b");
  }

  @Test
  void scanChangesStreamsManyEventsAcrossPages() throws IOException {
    store.close();
    store = newStore(freshTestLocation("paged"), StoreOptions.builder().scanPageSize(7).build());
    Random random = new Random(11);
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      events.add(
          event(String.format("e%04d", i))
              .received(T0.plusMillis(random.nextInt(100_000)))
              .code(201)
              .build());
    }
    for (int i = 0; i < 500; i += 100) {
      store.append(Batch.of(events.subList(i, i + 100)));
    }
    List<StoredEvent> expected = new ArrayList<>(events);
    expected.sort(HAPPENED);
    List<StoredEvent> scanned;
    try (EventStream s = store.scanChanges("prod", T0, T0.plusSeconds(1000))) {
      scanned = s.toList();
    }
    assertThat(scanned).containsExactlyElementsOf(expected);
  }

  @Test
  void scanChangesOrdersTiesThatSpanHowAPageIsRead() throws IOException {
    // One default page, read in parts: events of one stage time must stay together across them.
    Random random = new Random(12);
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      events.add(
          // auditIDs out of append order, so that ties are ordered here, not by the index.
          event(String.format("t%04d", i * 7919 % 1200))
              .received(T0.plusMillis(random.nextInt(50)))
              .stageTime(T0.plusSeconds(1 + random.nextInt(30)))
              .code(201)
              .build());
    }
    for (int i = 0; i < events.size(); i += 200) {
      store.append(Batch.of(events.subList(i, i + 200)));
    }
    List<StoredEvent> expected = new ArrayList<>(events);
    expected.sort(HAPPENED);
    try (EventStream s = store.scanChanges("prod", T0, T0.plusSeconds(60))) {
      assertThat(s.toList()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void streamsCrossLongGapsAndDenseBursts() throws IOException {
    store.close();
    store = newStore(freshTestLocation("gaps"), StoreOptions.builder().scanPageSize(4).build());
    List<StoredEvent> events = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      // Quiet for longer and longer (up to years), then a burst within one millisecond.
      Instant burst = T0.plus(Duration.ofHours((long) k * k * k * 24));
      for (int i = 0; i < k % 4 * 3; i++) {
        events.add(
            event(String.format("k%02d-%d", k, i)).received(burst.plusNanos(i * 1000L)).build());
      }
      events.add(event(String.format("k%02d-z", k)).received(burst).build());
    }
    List<StoredEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(5));
    store.append(Batch.of(shuffled));
    List<StoredEvent> expected = new ArrayList<>(events);
    expected.sort(HAPPENED);
    try (EventStream s =
        store.scanChanges("prod", T0.minusSeconds(1), T0.plus(Duration.ofDays(3650)))) {
      assertThat(s.toList()).containsExactlyElementsOf(expected);
    }
    try (EventStream s = store.history("prod", new ObjectKey("", "pods", "default", "web"))) {
      assertThat(s.toList()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aStreamSeesTheStoreAsItWasWhenOpened() throws IOException {
    store.append(batch(event("a").code(201).build()));
    try (EventStream s = store.scanChanges("prod", T0, T0.plusSeconds(60))) {
      store.append(batch(event("b").at(1).code(201).build()));
      assertThat(ids(s.toList())).containsExactly("a");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Verify and prune

  @Test
  void verifyPassesOnAnIntactStore() throws IOException {
    for (int i = 0; i < 5; i++) {
      store.append(batch(event("a" + i).at(i).build(), event("b" + i).at(i).build()));
    }
    store.append(batch(event("a0").build())); // duplicates only: no new batch
    VerifyResult result = store.verify();
    assertThat(result.ok()).as(result.toString()).isTrue();
    assertThat(result.batchesChecked()).isEqualTo(5);
    assertThat(result.eventsChecked()).isEqualTo(10);
    assertThat(result.head()).hasSize(64);
    store = reopen(store, location);
    assertThat(store.verify()).isEqualTo(result);
  }

  @Test
  void verifyTellsHowFarItGot() throws IOException {
    for (int i = 0; i < 3; i++) {
      store.append(batch(event("a" + i).at(i).build(), event("b" + i).at(i).build()));
    }
    List<List<Long>> heard = new ArrayList<>();
    VerifyResult result =
        store.verify((batches, total, events) -> heard.add(List.of(batches, total, events)));
    assertThat(result.ok()).as(result.toString()).isTrue();
    assertThat(heard)
        .containsExactly(List.of(1L, 3L, 2L), List.of(2L, 3L, 4L), List.of(3L, 3L, 6L));
  }

  @Test
  void verifyPassesForEveryShapeOfEvent() throws IOException {
    String long_ = "v".repeat(10_000);
    store.append(
        batch(
            event("repeats").groups("a", "b", "a").sourceIPs("10.0.0.1", "10.0.0.1").build(),
            event("nonResource").nonResource().noCode().noUser().build(),
            event("long").user(long_).groups(long_ + "1", long_ + "2").userAgent(long_).build(),
            event("everything")
                .impersonatedUser("bob")
                .object("apps", "deployments", "ns", "web")
                .subresource("scale")
                .uid("u-1")
                .resourceVersion("42")
                .dryRun()
                .decision("allow")
                .annotation("k", "v")
                .build()));
    VerifyResult result = store.verify();
    assertThat(result.ok()).as(result.toString()).isTrue();
    assertThat(result.eventsChecked()).isEqualTo(4);
  }

  @Test
  void pruneRemovesWholeOldBatchesAndVerifyStillPasses() throws IOException {
    Instant cutoff = T0.plusSeconds(100);
    store.append(batch(event("old1").at(0).build(), event("old2").at(50).build()));
    store.append(batch(event("mixed-old").at(10).build(), event("mixed-new").at(150).build()));
    store.append(batch(event("old3").at(99).build()));
    store.append(batch(event("new").at(100).build()));
    // A backfill of old events arrives last.
    store.append(batch(event("backfill").at(1).build()));

    PruneResult result = store.prune(cutoff);
    assertThat(result).isEqualTo(new PruneResult(3, 4));
    assertThat(ids(all(EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build())))
        .containsExactly("mixed-old", "new", "mixed-new");
    VerifyResult verify = store.verify();
    assertThat(verify.ok()).as(verify.toString()).isTrue();
    assertThat(verify.batchesChecked()).isEqualTo(2);

    assertThat(store.prune(cutoff)).isEqualTo(new PruneResult(0, 0));
    store.append(batch(event("after").at(200).build()));
    store = reopen(store, location);
    assertThat(store.verify().ok()).isTrue();
    assertThat(store.prune(T0.plusSeconds(1000))).isEqualTo(new PruneResult(3, 4));
    assertThat(store.count(EventQuery.all())).isZero();
    VerifyResult empty = store.verify();
    assertThat(empty.ok()).as(empty.toString()).isTrue();
    // The chain continues from the pruned batches.
    store.append(batch(event("again").at(300).build()));
    assertThat(store.verify().ok()).isTrue();
  }

  @Test
  void clustersAreThoseWithEventsStored() throws IOException {
    assertThat(store.clusters()).isEmpty();
    store.append(batch(event("a").at(0).cluster("staging").build()));
    store.append(batch(event("b").at(200).build(), event("c").at(201).cluster("dev").build()));
    assertThat(store.clusters()).containsExactly("dev", "prod", "staging");

    store.prune(T0.plusSeconds(100));
    assertThat(store.clusters()).containsExactly("dev", "prod");
    store = reopen(store, location);
    assertThat(store.clusters()).containsExactly("dev", "prod");
  }

  @Test
  void prunedEventsMayBeStoredAgain() throws IOException {
    StoredEvent old = event("old").at(0).build();
    store.append(batch(old));
    store.prune(T0.plusSeconds(10));
    assertThat(store.append(batch(old)).stored()).isEqualTo(1);
    assertThat(store.verify().ok()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  @Test
  void aClosedStoreRefusesWork() throws IOException {
    store.close();
    assertThatThrownBy(() -> store.count(EventQuery.all()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.append(batch(event("a").build())))
        .isInstanceOf(IllegalStateException.class);
    store.close(); // idempotent
    store = null;
  }

  /**
   * A reader counts while another thread appends. After each append the writer waits until the
   * reader has counted once since that append returned, so the reader sees every batch boundary
   * (whatever the scheduling) while its other counts overlap the appends. The writer's failures
   * reach this thread through its future.
   */
  @Test
  void queriesRunWhileAnotherThreadAppends() throws Exception {
    int batches = 8;
    AtomicLong appended = new AtomicLong();
    AtomicLong observed = new AtomicLong();
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-appender"));
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                for (int b = 0; b < batches; b++) {
                  List<StoredEvent> events = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    events.add(event("w" + b + "-" + i).at(b).build());
                  }
                  store.append(Batch.of(events));
                  appended.incrementAndGet();
                  awaitAtLeast(observed, b + 1);
                }
                return null;
              });
      Set<Long> seen = new HashSet<>();
      long last = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (observed.get() < batches) {
        assertThat(System.nanoTime()).as("the appender is stuck").isLessThan(deadline);
        if (writer.isDone()) {
          writer.get(); // the appender failed: rethrow its failure here
        }
        long acknowledged = appended.get();
        long n = store.count(EventQuery.all());
        // Whole batches only, never fewer than before, and every acknowledged batch.
        assertThat(n % 10).as("count %d", n).isZero();
        assertThat(n).isGreaterThanOrEqualTo(last).isGreaterThanOrEqualTo(acknowledged * 10);
        last = n;
        seen.add(n);
        observed.set(acknowledged);
      }
      writer.get(60, TimeUnit.SECONDS);
      assertThat(store.count(EventQuery.all())).isEqualTo(batches * 10L);
      // The count after each append ran while the writer waited: each boundary was seen.
      for (long b = 1; b <= batches; b++) {
        assertThat(seen).contains(b * 10);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitAtLeast(AtomicLong value, long wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (value.get() < wanted) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the reader never counted after batch " + wanted);
      }
      Thread.sleep(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Properties: the store agrees with the reference definitions on random events and queries

  @Property(tries = 25)
  void queriesHistoryAndScansAgreeWithTheReferenceDefinitions(
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 1 << 20) Integer> eventSeeds,
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> batchCuts,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1 << 20) Integer> querySeeds)
      throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    for (int seed : eventSeeds) {
      events.add(RandomEvents.event(new Random(seed)));
    }
    // Split into batches at arbitrary points; the reference keeps the first of each identity.
    List<List<StoredEvent>> batches = new ArrayList<>();
    int from = 0;
    for (int cut : batchCuts) {
      int to = events.isEmpty() ? 0 : from + cut % (events.size() - from + 1);
      batches.add(events.subList(from, to));
      from = to;
    }
    batches.add(events.subList(from, events.size()));
    Map<StoredEvent.Identity, StoredEvent> kept = new LinkedHashMap<>();
    events.forEach(e -> kept.putIfAbsent(e.identity(), e));
    List<StoredEvent> stored = new ArrayList<>(kept.values());

    String d = freshLocation("property");
    try (AuditStore s = newStore(d, StoreOptions.builder().scanPageSize(5).build())) {
      long total = 0;
      for (List<StoredEvent> b : batches) {
        AppendResult r = s.append(Batch.of(b));
        assertThat(r.stored() + r.duplicates()).isEqualTo(b.size());
        total += r.stored();
      }
      assertThat(total).isEqualTo(stored.size());
      VerifyResult verified = s.verify();
      assertThat(verified.ok()).as(verified.toString()).isTrue();
      assertThat(verified.eventsChecked()).isEqualTo(stored.size());

      for (int seed : querySeeds) {
        Random random = new Random(seed);
        EventQuery query = boundedAtAnEvent(RandomEvents.query(random), stored, random);
        // The reference, not EventQuery.matches, so that one bug in both cannot hide.
        List<StoredEvent> expected =
            stored.stream()
                .filter(e -> ReferenceQuery.selects(query, e))
                .sorted(Comparator.comparing(e -> received(e)))
                .toList();
        assertThat(stored.stream().filter(query::matches).toList())
            .as("EventQuery.matches for %s", query)
            .containsExactlyElementsOf(
                stored.stream().filter(e -> ReferenceQuery.selects(query, e)).toList());
        assertThat(s.count(query)).as("count of %s", query).isEqualTo(expected.size());
        EventQuery oldest = query.toBuilder().order(EventQuery.Order.OLDEST_FIRST).build();
        assertThat(pages(s, oldest, 1 + random.nextInt(9)))
            .as("search %s", oldest)
            .containsExactlyElementsOf(expected);
        List<StoredEvent> newest = new ArrayList<>(expected);
        Collections.reverse(newest);
        EventQuery newestQuery = query.toBuilder().order(EventQuery.Order.NEWEST_FIRST).build();
        assertThat(pages(s, newestQuery, 1 + random.nextInt(9)))
            .as("search %s", newestQuery)
            .containsExactlyElementsOf(newest);
        FacetField field = RandomEvents.pick(random, List.of(FacetField.values()));
        Map<String, Long> counted = new HashMap<>();
        expected.forEach(e -> field.valueOf(e).ifPresent(v -> counted.merge(v, 1L, Long::sum)));
        int top = 1 + random.nextInt(4);
        assertThat(s.facet(query, field, top))
            .as("facet %s of %s", field, query)
            .containsExactlyElementsOf(FacetCounts.top(counted, top));

        String cluster = RandomEvents.pick(random, RandomEvents.CLUSTERS);
        ObjectKey key = RandomEvents.objectKey(random);
        List<StoredEvent> history =
            stored.stream()
                .filter(e -> e.cluster().equals(cluster))
                .filter(e -> ObjectKey.of(e).equals(Optional.of(key)))
                .sorted(HAPPENED)
                .toList();
        try (EventStream h = s.history(cluster, key)) {
          assertThat(h.toList())
              .as("history of %s in %s", key, cluster)
              .containsExactlyElementsOf(history);
        }

        Instant scanFrom = T0.plusSeconds(random.nextInt(20));
        Instant scanTo = scanFrom.plusSeconds(random.nextInt(30));
        List<StoredEvent> changes =
            stored.stream()
                .filter(e -> e.cluster().equals(cluster) && e.isChange())
                .filter(e -> !e.event().stageTimestamp().isBefore(scanFrom))
                .filter(e -> e.event().stageTimestamp().isBefore(scanTo))
                .sorted(HAPPENED)
                .toList();
        try (EventStream c = s.scanChanges(cluster, scanFrom, scanTo)) {
          assertThat(c.toList())
              .as("changes of %s in [%s, %s)", cluster, scanFrom, scanTo)
              .containsExactlyElementsOf(changes);
        }
      }
      VerifyResult verify = s.verify();
      assertThat(verify.ok()).as(verify.toString()).isTrue();
    } finally {
      discard(d);
    }
  }

  /**
   * {@link AuditStore#countChanges} between appends, as a state checkpoint asks while an ingest
   * goes on: before any query has made the new events searchable, and after one has.
   */
  @Property(tries = 25)
  void changesAreCountedBetweenAppendsAsTheReferenceCountsThem(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 1 << 20) Integer> eventSeeds,
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 30) Integer> batchSizes,
      @ForAll @IntRange(min = 0, max = 1 << 20) int seed)
      throws IOException {
    Random random = new Random(seed);
    List<StoredEvent> events = new ArrayList<>();
    for (int s : eventSeeds) {
      events.add(RandomEvents.event(new Random(s)));
    }
    Map<StoredEvent.Identity, StoredEvent> kept = new LinkedHashMap<>();
    String d = freshLocation("count-changes");
    try (AuditStore s = newStore(d)) {
      int from = 0;
      for (int i = 0; from < events.size(); i++) {
        int to = Math.min(events.size(), from + batchSizes.get(i % batchSizes.size()));
        List<StoredEvent> b = events.subList(from, to);
        s.append(Batch.of(b));
        b.forEach(e -> kept.putIfAbsent(e.identity(), e));
        from = to;
        if (random.nextInt(3) == 0) {
          s.count(EventQuery.all()); // a query: the store may make what it holds searchable
        }
        for (int k = 0; k < 3; k++) {
          String cluster = RandomEvents.pick(random, RandomEvents.CLUSTERS);
          Instant until =
              random.nextBoolean()
                  ? RandomEvents.pick(random, b).event().requestReceivedTimestamp()
                  : T0.plusSeconds(random.nextInt(40)).plusNanos(random.nextInt(2_000_000));
          EventQuery changes = EventQuery.changesBefore(cluster, until);
          long expected =
              kept.values().stream().filter(e -> ReferenceQuery.selects(changes, e)).count();
          assertThat(s.countChanges(cluster, until))
              .as("changes of %s received before %s", cluster, until)
              .isEqualTo(expected);
        }
      }
    } finally {
      discard(d);
    }
  }

  /**
   * Half the time, the query with a bound exactly at a stored event's time, where inclusive and
   * exclusive differ; random bounds rarely hit one.
   */
  private static EventQuery boundedAtAnEvent(
      EventQuery query, List<StoredEvent> stored, Random random) {
    if (stored.isEmpty() || random.nextBoolean()) {
      return query;
    }
    Instant at = RandomEvents.pick(random, stored).event().requestReceivedTimestamp();
    return random.nextBoolean()
        ? query.toBuilder().since(at).build()
        : query.toBuilder().until(at).build();
  }

  /** History and replay order; ties beyond auditID keep append order (stable sort). */
  private static final Comparator<StoredEvent> HAPPENED =
      Comparator.comparing((StoredEvent e) -> e.event().stageTimestamp())
          .thenComparing(e -> e.event().requestReceivedTimestamp())
          .thenComparing(e -> e.event().auditID());

  private static Instant received(StoredEvent e) {
    return e.event().requestReceivedTimestamp().truncatedTo(ChronoUnit.MICROS);
  }

  private static List<StoredEvent> pages(AuditStore s, EventQuery query, int pageSize)
      throws IOException {
    List<StoredEvent> out = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = s.search(query, pageSize, cursor);
      assertThat(page.events().size()).isLessThanOrEqualTo(pageSize);
      out.addAll(page.events());
      cursor = page.next();
    } while (cursor.isPresent());
    return out;
  }

  protected static void deleteRecursively(Path d) throws IOException {
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(d)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
