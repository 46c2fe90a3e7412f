package io.kubetrail.report;

import static io.kubetrail.report.TestCluster.namespace;
import static io.kubetrail.report.TestCluster.pod;
import static io.kubetrail.report.TestCluster.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.history.ClusterState;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.StateHistory;
import io.kubetrail.report.ChangesReport.Change;
import io.kubetrail.report.ChangesReport.ObjectChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Over random histories of a few pods and random intervals: applying the reported creations,
 * deletions and modifications to the state at the start gives the state at the end; and the report
 * is the same when its states are rebuilt from checkpoints.
 */
class ChangesReportPropertyTest {

  /** One write: at second {@code 10 * step}, to pod {@code p<pod>}, with label value {@code v}. */
  record Op(int pod, boolean delete, int v) {}

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 3).map(i -> i == 0),
                Arbitraries.integers().between(0, 2))
            .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 40, seed = "20260101")
  void reportedChangesTakeTheStartStateToTheEndState(
      @ForAll("histories") List<Op> ops,
      @ForAll("times") int from,
      @ForAll("times") int length,
      @ForAll @IntRange(min = 1, max = 6) int checkpointEvery)
      throws IOException {
    Path dir = Files.createTempDirectory("changes-property");
    try (TestCluster cluster = TestCluster.open(dir)) {
      cluster.create(1, "admin", namespace("a", Map.of()));
      Set<String> live = new HashSet<>();
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        String name = "p" + op.pod();
        long at = 10L * (i + 1);
        if (op.delete()) {
          if (live.remove(name)) {
            cluster.delete(at, "u" + op.v(), "", "pods", "a", name);
          }
        } else if (live.add(name)) {
          cluster.create(at, "u" + op.v(), pod("a", name, Map.of("v", "" + op.v())));
        } else {
          cluster.update(at, "u" + op.v(), pod("a", name, Map.of("v", "" + op.v())));
        }
      }
      ReportSource source = cluster.source();
      ReportSpec spec = ReportSpec.of(ReportType.CHANGES, t(from), t(from + 1 + length));
      ChangesReport report = (ChangesReport) Reports.generate(source, spec);

      StateHistory h = StateHistory.open(source.store(), TestCluster.CLUSTER, source.options());
      Set<String> atStart = keys(h.stateAt(spec.start()));
      Set<String> atEnd = keys(h.stateAt(spec.end()));

      Set<String> replayed = new TreeSet<>(atStart);
      replayed.removeAll(ids(report, Change.DELETED));
      replayed.addAll(ids(report, Change.CREATED));
      assertThat(replayed).isEqualTo(atEnd);
      Set<String> both = new HashSet<>(atStart);
      both.retainAll(atEnd);
      assertThat(both).containsAll(ids(report, Change.MODIFIED));
      Set<String> transients = ids(report, Change.TRANSIENT);
      assertThat(transients).allMatch(k -> !atStart.contains(k) && !atEnd.contains(k));
      for (ObjectChange c : report.objects()) {
        assertThat(c.writes())
            .allMatch(w -> w.time().isAfter(spec.start()) && !w.time().isAfter(spec.end()));
      }

      // With checkpoints every few changes, as ingest leaves them, the start is rebuilt from the
      // newest before it: the same report.
      ReportSource checkpointed =
          new ReportSource(
              source.store(),
              TestCluster.CLUSTER,
              HistoryOptions.builder().checkpointInterval(checkpointEvery).build());
      StateHistory.open(source.store(), TestCluster.CLUSTER, checkpointed.options())
          .updateCheckpoints();
      ChangesReport again = (ChangesReport) Reports.generate(checkpointed, spec);
      assertThat(again.objects()).isEqualTo(report.objects());
      assertThat(again.evidence().warnings()).isEqualTo(report.evidence().warnings());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Provide
  Arbitrary<Integer> times() {
    return Arbitraries.integers().between(0, 420);
  }

  private static Set<String> keys(ClusterState s) {
    return s.objects().stream()
        .map(LiveObject::key)
        .map(Object::toString)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> ids(ChangesReport r, Change change) {
    return r.objects().stream()
        .filter(c -> c.change() == change)
        .map(ObjectChange::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
