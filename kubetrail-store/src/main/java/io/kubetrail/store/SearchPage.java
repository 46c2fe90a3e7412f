package io.kubetrail.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param events the events, in the query's order
 * @param next where the next page starts; empty when this page is the last
 */
public record SearchPage(List<StoredEvent> events, Optional<PageCursor> next) {
  public SearchPage {
    events = List.copyOf(events);
    Objects.requireNonNull(next, "next");
  }
}
