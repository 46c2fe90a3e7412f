package io.kubetrail.store;

import java.util.Comparator;
import java.util.Objects;

/**
 * How many events of a query have one value of a {@link FacetField}.
 *
 * @param value the value (a response code in decimal)
 * @param count how many matching events have it
 */
public record FacetCount(String value, long count) {
  /** Most events first, then by value. */
  public static final Comparator<FacetCount> ORDER =
      Comparator.comparingLong(FacetCount::count).reversed().thenComparing(FacetCount::value);

  public FacetCount {
    Objects.requireNonNull(value, "value");
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
  }
}
