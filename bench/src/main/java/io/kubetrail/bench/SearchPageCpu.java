package io.kubetrail.bench;

import io.kubetrail.event.Stage;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.search.EventRow;
import io.kubetrail.store.search.RequestPage;
import io.kubetrail.store.search.RequestPager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The CPU time of the API's search pages in the store alone, one thread, no HTTP: the filters of
 * {@link ApiSearchLatency} (from the store's own facets), each search a first page of 100 requests
 * and, for a quarter, its next page, with each row built as the API builds it. The store is opened
 * as {@code kubetrail serve} opens it (read-only, the search cache an eighth of the heap's limit).
 * The thread's CPU time tells one build from another on a busy machine better than latency under
 * load does; the most expensive filters are listed.
 *
 * <p>Usage: {@code SearchPageCpu STORE ROUNDS SEED}: ROUNDS passes of as many searches as there are
 * filters, the first half of them warm-up.
 */
public final class SearchPageCpu {
  private SearchPageCpu() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SearchPageCpu STORE ROUNDS SEED");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    long cacheBytes = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 8);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    try (AuditStore store =
        AuditStores.open(
            dir.toString(),
            StoreOptions.builder().readOnly(true).searchCacheBytes(cacheBytes).build())) {
      Map<String, EventQuery> filters = filters(store);
      List<String> names = new ArrayList<>(filters.keySet());
      Map<String, long[]> byFilter = new LinkedHashMap<>();
      List<Long> measured = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean counted = round >= rounds / 2;
        for (int i = 0; i < names.size(); i++) {
          String name = names.get(random.nextInt(names.size()));
          EventQuery q = filters.get(name);
          long t0 = cpu.getCurrentThreadCpuTime();
          RequestPage page = RequestPager.page(store, q, 100, Optional.empty());
          rows(page);
          long t1 = cpu.getCurrentThreadCpuTime();
          long nextCost = -1;
          if (random.nextInt(4) == 0 && page.next().isPresent()) {
            rows(RequestPager.page(store, q, 100, page.next()));
            nextCost = cpu.getCurrentThreadCpuTime() - t1;
          }
          if (counted) {
            measured.add(t1 - t0);
            long[] f = byFilter.computeIfAbsent(name, k -> new long[4]);
            f[0] += t1 - t0;
            f[1]++;
            if (nextCost >= 0) {
              measured.add(nextCost);
              f[2] += nextCost;
              f[3]++;
            }
          }
        }
      }
      long[] all = measured.stream().mapToLong(Long::longValue).sorted().toArray();
      double mean = Arrays.stream(all).average().orElse(0) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "%d searches measured (%d filters, %d MiB cache): CPU per search mean %.3f ms, p50 %.3f,"
              + " p90 %.3f, p99 %.3f, max %.3f ms%n",
          all.length,
          names.size(),
          cacheBytes >> 20,
          mean,
          at(all, 0.5),
          at(all, 0.9),
          at(all, 0.99),
          all[all.length - 1] / 1e6);
      List<Map.Entry<String, long[]>> costly = new ArrayList<>(byFilter.entrySet());
      costly.sort((a, b) -> Double.compare(share(b.getValue()), share(a.getValue())));
      System.out.println("the costliest filters (mean CPU of a first page; of a next page):");
      for (Map.Entry<String, long[]> e : costly.subList(0, Math.min(12, costly.size()))) {
        long[] f = e.getValue();
        System.out.printf(
            Locale.ROOT,
            "  %8.3f ms  %8.3f ms  %s%n",
            f[0] / 1e6 / Math.max(1, f[1]),
            f[3] == 0 ? 0 : f[2] / 1e6 / f[3],
            e.getKey());
      }
    }
  }

  private static double share(long[] f) {
    return (double) f[0] / Math.max(1, f[1]);
  }

  private static double at(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /** The rows a page shows, built as the API builds them; their count keeps them used. */
  private static int rows(RequestPage page) {
    int n = 0;
    for (StoredEvent e : page.events()) {
      n += EventRow.of(e).resourceText().length();
    }
    return n;
  }

  /** The filters of {@link ApiSearchLatency}, named as its query strings name them. */
  private static Map<String, EventQuery> filters(AuditStore store) throws Exception {
    EventQuery counting = EventQuery.builder().stages(Stage.ResponseComplete, Stage.Panic).build();
    Map<FacetField, List<String>> values = new LinkedHashMap<>();
    for (FacetField f :
        List.of(
            FacetField.NAMESPACE,
            FacetField.VERB,
            FacetField.USER,
            FacetField.CODE,
            FacetField.RESOURCE)) {
      values.put(f, store.facet(counting, f, 20).stream().map(FacetCount::value).toList());
    }
    Map<String, EventQuery> out = new LinkedHashMap<>();
    out.put("none", EventQuery.builder().build());
    for (Map.Entry<FacetField, List<String>> e : values.entrySet()) {
      for (String v : e.getValue()) {
        EventQuery.Builder b = EventQuery.builder();
        switch (e.getKey()) {
          case NAMESPACE -> b.namespace(v);
          case VERB -> b.verbs(java.util.Set.of(v));
          case USER -> b.user(v);
          case CODE -> b.responseCodes(java.util.Set.of(Integer.parseInt(v)));
          case RESOURCE -> b.resource(v);
        }
        out.put(e.getKey().id() + "=" + v, b.build());
      }
    }
    int pairs = 0;
    List<String> namespaces = values.get(FacetField.NAMESPACE);
    List<String> verbs = values.get(FacetField.VERB);
    for (String ns : namespaces.subList(0, Math.min(8, namespaces.size()))) {
      for (String verb : verbs.subList(0, Math.min(8, verbs.size()))) {
        if (pairs++ < 40) {
          out.put(
              "namespace=" + ns + "&verb=" + verb + "&excludeDryRun",
              EventQuery.builder()
                  .namespace(ns)
                  .verbs(java.util.Set.of(verb))
                  .excludeDryRun(true)
                  .build());
        }
      }
    }
    out.put("changesOnly", EventQuery.builder().changesOnly(true).build());
    out.put(
        "an hour",
        EventQuery.builder()
            .since(Instant.parse("2026-01-01T01:00:00Z"))
            .until(Instant.parse("2026-01-01T02:00:00Z"))
            .build());
    return out;
  }
}
