package io.kubetrail.store.search;

import io.kubetrail.store.StoredEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of {@link RequestPager} results.
 *
 * @param events one event per request (its latest stage), or per stage when the query picks stages
 * @param next the cursor of the next page; empty when this page is the last
 */
public record RequestPage(List<StoredEvent> events, Optional<String> next) {
  public RequestPage {
    events = List.copyOf(events);
    Objects.requireNonNull(next, "next");
  }
}
