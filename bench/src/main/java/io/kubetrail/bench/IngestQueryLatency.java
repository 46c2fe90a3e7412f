package io.kubetrail.bench;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Query latency over an existing store, as a user of {@code kubetrail search} and of object history
 * meets it: the history of one object (every event about it, read to the end), the first page of it
 * (its newest 100 events, as a timeline shows them first), and the first page (100 events, newest
 * first) of a filtered search. History latencies are also shown by the object's number of events.
 *
 * <p>Object keys and filter values are sampled from the store itself at random points in time, so
 * queries hit real objects across the whole time range; each kind of query is warmed up first.
 *
 * <p>Usage: {@code IngestQueryLatency STORE [QUERIES] [SEED]}, STORE a directory or an OpenSearch
 * URL; prints p50, p90, p99 and max per kind of query.
 */
public final class IngestQueryLatency {
  private static final int PAGE = 100;

  private final AuditStore store;
  private final Random random;
  private final List<Target> targets = new ArrayList<>();
  private final List<StoredEvent> samples = new ArrayList<>();
  private Instant oldest;
  private Instant newest;

  /** An object in a cluster, and how many events the store has about it. */
  private record Target(String cluster, ObjectKey key, int events) {
    EventQuery query() {
      return EventQuery.builder().clusters(cluster).object(key).build();
    }
  }

  private IngestQueryLatency(AuditStore store, long seed) {
    this.store = store;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: IngestQueryLatency STORE [QUERIES] [SEED]");
      System.exit(2);
    }
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    StoreOptions readOnly = StoreOptions.builder().readOnly(true).build();
    try (AuditStore store = AuditStores.open(args[0], readOnly)) {
      IngestQueryLatency bench = new IngestQueryLatency(store, seed);
      long events = store.count(EventQuery.all());
      bench.sample();
      System.out.printf(
          Locale.ROOT,
          "store: %,d events from %s to %s; %d objects and %d events sampled; seed %d%n",
          events,
          bench.oldest,
          bench.newest,
          bench.targets.size(),
          bench.samples.size(),
          seed);
      bench.measure("history of one object", queries, bench::history, true);
      bench.measure("history, newest 100 events", queries, bench::historyPage, false);
      bench.measure("filtered search, first 100", queries, bench::firstPage, true);
    }
  }

  /** Picks objects and events at random times over the store's whole range. */
  private void sample() throws IOException {
    EventQuery oldestFirst = EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build();
    oldest =
        only(store.search(oldestFirst, 1, Optional.empty())).event().requestReceivedTimestamp();
    newest =
        only(store.search(EventQuery.all(), 1, Optional.empty()))
            .event()
            .requestReceivedTimestamp();
    Set<Target> keys = new LinkedHashSet<>();
    for (int i = 0; i < 500; i++) {
      EventQuery from = oldestFirst.toBuilder().since(randomTime()).build();
      for (StoredEvent e : store.search(from, 20, Optional.empty()).events()) {
        samples.add(e);
        ObjectKey.of(e).ifPresent(k -> keys.add(new Target(e.cluster(), k, 0)));
      }
    }
    for (Target t : keys) {
      targets.add(new Target(t.cluster(), t.key(), (int) store.count(t.query())));
    }
    if (targets.isEmpty()) {
      throw new IllegalStateException("the store holds no event about an object");
    }
  }

  private static StoredEvent only(SearchPage page) {
    if (page.events().isEmpty()) {
      throw new IllegalStateException("the store is empty");
    }
    return page.events().get(0);
  }

  private Instant randomTime() {
    long span = Duration.between(oldest, newest).toMillis();
    return oldest.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
  }

  /** Reads one object's whole history; returns how many events it has. */
  private int history() {
    Target t = targets.get(random.nextInt(targets.size()));
    try (EventStream events = store.history(t.cluster(), t.key())) {
      int n = 0;
      while (events.next().isPresent()) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the newest page of one object's history; returns how many events the object has. */
  private int historyPage() {
    Target t = targets.get(random.nextInt(targets.size()));
    try {
      int n = store.search(t.query(), PAGE, Optional.empty()).events().size();
      if (n != Math.min(PAGE, t.events())) {
        throw new IllegalStateException(t + ": a first page of " + n + " events");
      }
      return t.events();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first page of a search with one to three filters taken from a real event, as someone
   * narrowing down would type them, within a random window of a day (or no window).
   */
  private int firstPage() {
    StoredEvent e = samples.get(random.nextInt(samples.size()));
    EventQuery.Builder q = EventQuery.builder().clusters(e.cluster());
    List<Runnable> filters = new ArrayList<>();
    filters.add(() -> q.verbs(e.event().verb()));
    filters.add(() -> q.user(e.event().user().map(u -> u.username()).orElse("")));
    e.event()
        .objectRef()
        .ifPresent(
            r -> {
              filters.add(() -> q.resource(r.resource()));
              if (!r.namespace().isEmpty()) {
                filters.add(() -> q.namespace(r.namespace()));
              }
            });
    filters.add(() -> q.changesOnly(true));
    Collections.shuffle(filters, random);
    int count = 1 + random.nextInt(Math.min(3, filters.size()));
    filters.subList(0, count).forEach(Runnable::run);
    if (random.nextBoolean()) {
      Instant since = randomTime();
      q.since(since).until(since.plus(Duration.ofDays(1)));
    }
    try {
      return store.search(q.build(), PAGE, Optional.empty()).events().size();
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * Times queries; each returns a size, by which the latencies are also shown (and, when {@code
   * perResult}, averaged as events per result).
   */
  private void measure(String what, int queries, IntSupplier query, boolean perResult) {
    int warmup = Math.max(200, queries / 2);
    for (int i = 0; i < warmup; i++) {
      query.getAsInt();
    }
    long[] nanos = new long[queries];
    int[] sizes = new int[queries];
    long results = 0;
    for (int i = 0; i < queries; i++) {
      long start = System.nanoTime();
      sizes[i] = query.getAsInt();
      nanos[i] = System.nanoTime() - start;
      results += sizes[i];
    }
    print(what, nanos.clone(), perResult ? (double) results / queries : Double.NaN);
    // Latency grows with what a query returns: show it by result size too.
    int[] bounds = {100, 1_000, 10_000, Integer.MAX_VALUE};
    int lower = 0;
    for (int bound : bounds) {
      long[] bucket = new long[queries];
      int n = 0;
      for (int i = 0; i < queries; i++) {
        if (sizes[i] > lower && sizes[i] <= bound || (lower == 0 && sizes[i] == 0)) {
          bucket[n++] = nanos[i];
        }
      }
      if (n > 0 && n < queries) {
        String label =
            bound == Integer.MAX_VALUE
                ? String.format(Locale.ROOT, "  > %,d events", lower)
                : String.format(Locale.ROOT, "  up to %,d events", bound);
        print(label, Arrays.copyOf(bucket, n), Double.NaN);
      }
      lower = bound;
    }
  }

  private static void print(String what, long[] nanos, double perResult) {
    Arrays.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "%-28s %6d queries  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms%s%n",
        what,
        nanos.length,
        percentile(nanos, 50),
        percentile(nanos, 90),
        percentile(nanos, 99),
        nanos[nanos.length - 1] / 1e6,
        Double.isNaN(perResult)
            ? ""
            : String.format(Locale.ROOT, "  (%.1f events per result)", perResult));
  }

  private static double percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
