package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.pod;
import static io.kubetrail.history.StateHistoryTest.bodies;
import static io.kubetrail.history.StateHistoryTest.busyHistory;
import static io.kubetrail.history.StateHistoryTest.reference;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two states from one replay: the same as two {@code stateAt}s, for less reading. */
class StatesAtTest {
  @TempDir Path dir;

  private final ListChangeLog log = new ListChangeLog();

  private StateHistory history(int checkpointInterval) {
    return StateHistoryTest.history(log, dir, checkpointInterval);
  }

  private static long changesUpTo(List<AuditEvent> events, Instant t) {
    return events.stream().filter(e -> !e.stageTimestamp().isAfter(t)).count();
  }

  @Test
  void theLaterStateGoesOnFromTheEarlierAndReadsOnlyTheChangesBetween() throws IOException {
    List<AuditEvent> events = busyHistory(30);
    log.append(events);
    StateHistory h = history(1000);
    for (int a = 0; a <= 95; a += 19) {
      for (int b = a; b <= 95; b += 23) {
        Instant from = Events.t(a);
        Instant to = Events.t(b);
        List<ClusterState> both = h.statesAt(from, to);
        assertThat(bodies(both.get(0))).as("at %s", from).isEqualTo(reference(events, from));
        assertThat(bodies(both.get(1))).as("at %s", to).isEqualTo(reference(events, to));
        assertThat(both.get(1).at()).isEqualTo(to);
        if (b > a) {
          assertThat(h.lastReplay().startedFrom()).startsWith("state at " + from);
          assertThat(h.lastReplay().changesRead())
              .isEqualTo(changesUpTo(events, to) - changesUpTo(events, from));
        }
      }
    }
  }

  @Test
  void theTimesMayComeInEitherOrder() throws IOException {
    List<AuditEvent> events = busyHistory(10);
    log.append(events);
    StateHistory h = history(1000);
    List<ClusterState> both = h.statesAt(Events.t(25), Events.t(7));
    assertThat(bodies(both.get(0))).isEqualTo(reference(events, Events.t(25)));
    assertThat(bodies(both.get(1))).isEqualTo(reference(events, Events.t(7)));
  }

  @Test
  void aCheckpointBetweenTheTimesIsUsedAndGivesTheSameStates() throws IOException {
    List<AuditEvent> events = busyHistory(40);
    log.append(events);
    StateHistory h = history(10);
    h.updateCheckpoints();
    for (int a = 0; a <= 51; a += 17) {
      Instant from = Events.t(a);
      Instant to = Events.t(a + 60);
      List<ClusterState> both = h.statesAt(from, to);
      assertThat(bodies(both.get(0))).isEqualTo(reference(events, from));
      assertThat(bodies(both.get(1))).isEqualTo(reference(events, to));
      assertThat(h.lastReplay().startedFrom()).startsWith("checkpoint ");
      assertThat(h.lastReplay().changesRead()).isLessThanOrEqualTo(20);
    }
  }

  @Test
  void aSnapshotBetweenTheTimesIsTheTruthAtItsTime() throws IOException {
    StateHistory h = history(1000);
    log.append(
        event("create", "", "pods", "app", "early").at(5).response(pod("app", "early", 3)).build());
    h.importSnapshot(
        StateHistoryTest.read(StateHistoryTest.SNAPSHOT_JSON).objects(), Events.t(10), "snap");
    log.append(
        event("create", "", "pods", "app", "new").at(14).response(pod("app", "new", 20)).build());
    List<ClusterState> both = h.statesAt(Events.t(6), Events.t(15));
    assertThat(bodies(both.get(0))).isEqualTo(bodies(h.stateAt(Events.t(6))));
    assertThat(bodies(both.get(1))).isEqualTo(bodies(h.stateAt(Events.t(15))));
    assertThat(bodies(both.get(1))).doesNotContainKey("pods/app/early");
  }
}
