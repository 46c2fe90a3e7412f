package io.kubetrail.history;

import java.util.List;
import java.util.Objects;

/**
 * How a {@link StateHistory#walk} went.
 *
 * @param toStart how the state at the interval's start was rebuilt
 * @param changesWalked changes in the interval read and applied (of the resources walked)
 * @param warnings what replay could not know, up to the interval's end (see {@link
 *     ClusterState#warnings()})
 */
public record WalkStats(ReplayStats toStart, long changesWalked, List<String> warnings) {
  public WalkStats {
    Objects.requireNonNull(toStart, "toStart");
    warnings = List.copyOf(warnings);
  }
}
