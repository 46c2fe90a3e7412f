package io.kubetrail.report;

import io.kubetrail.store.SourceGap;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The gaps collectors recorded in their sources (see {@link SourceGap}), as report warnings. */
final class SourceGaps {
  private SourceGaps() {}

  /** One warning per gap of the source's cluster that overlaps [{@code start}, {@code end}]. */
  static List<String> warnings(ReportSource source, Instant start, Instant end) throws IOException {
    List<String> out = new ArrayList<>();
    for (SourceGap g : SourceGap.of(source.cluster(), source.store().checkpoints())) {
      if (g.overlaps(start, end)) {
        out.add(
            "events may be missing: source "
                + g.source()
                + " lost some between "
                + g.from()
                + " and "
                + g.to()
                + " ("
                + g.reason()
                + ")");
      }
    }
    return out;
  }
}
