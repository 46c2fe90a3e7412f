package io.kubetrail.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The top of a count of values, for every {@link AuditStore#facet} implementation. */
public final class FacetCounts {
  private FacetCounts() {}

  /** The {@code limit} values counted most often, in {@link FacetCount#ORDER}. */
  public static List<FacetCount> top(Map<String, Long> counts, int limit) {
    List<FacetCount> all = new ArrayList<>(counts.size());
    counts.forEach((v, n) -> all.add(new FacetCount(v, n)));
    all.sort(FacetCount.ORDER);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }
}
