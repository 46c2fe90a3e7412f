package io.kubetrail.report;

import static io.kubetrail.report.TestCluster.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.ReportScheduler;
import io.kubetrail.report.runs.RunFilter;
import io.kubetrail.report.runs.StateReportRuns;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs kept in a store's state repository (as a store on a cluster keeps them) read back as the
 * directory keeps them, and copied between the two both ways, byte for byte.
 */
class ReportRunsInStateTest {
  @TempDir Path dir;
  @TempDir Path stateDir;
  @TempDir Path copyDir;
  TestCluster cluster;
  StateRepository states;
  ReportRuns runs;

  @BeforeEach
  void history() throws IOException {
    cluster = ScheduledReportsTest.shop(dir);
    states = StateRepository.inDirectory(stateDir);
    runs = StateReportRuns.in(states);
  }

  @AfterEach
  void close() throws IOException {
    cluster.close();
  }

  private List<ReportRun> runDue(ReportRuns into, long minutes) throws IOException {
    return new ReportScheduler(
            cluster.source(),
            List.of(ScheduledReportsTest.HALF_HOURLY),
            into,
            Optional.empty(),
            Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC))
        .runDue(T0.plusSeconds(minutes * 60), n -> {});
  }

  @Test
  void runsAreKeptOncePerIdAndReadBackInEveryFormat() throws IOException {
    runDue(runs, 29);
    assertThat(runDue(runs, 95)).hasSize(3);
    assertThat(runDue(runs, 95)).as("made once").isEmpty();
    assertThat(states.list("prod", StateKind.REPORT_RUN)).hasSize(4);

    assertThat(runs.list(RunFilter.all()))
        .extracting(ReportRun::end)
        .containsExactly(min(90), min(60), min(30), min(0));
    assertThat(runs.list(RunFilter.all().withCluster("other"))).isEmpty();
    assertThat(runs.list(RunFilter.all().withLimit(2))).hasSize(2);

    ReportRun run = runs.get("prod.web-20260101T010000Z").orElseThrow();
    assertThat(run.evidence().eventsReplayed()).isGreaterThan(0);
    assertThat(new String(read(runs.open(run.id(), ReportFormat.JSON)), UTF_8))
        .contains("\"reportType\" : \"network-access\"")
        .contains("shop/deny-web");
    assertThat(new String(read(runs.open(run.id(), ReportFormat.HTML)), UTF_8))
        .startsWith("<!DOCTYPE");
    assertThat(runs.get("nothing")).isEmpty();
    assertThatThrownBy(() -> runs.open("prod.web-20990101T000000Z", ReportFormat.JSON))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void runsAreCopiedBetweenADirectoryAndAStateRepositoryBothWays() throws IOException {
    ReportRuns inDirectory = EmbeddedReportRuns.in(dir);
    runDue(inDirectory, 29);
    runDue(inDirectory, 65);
    assertThat(ReportRuns.copy(inDirectory, runs)).isEqualTo(3);
    assertThat(ReportRuns.copy(inDirectory, runs)).as("each run once").isZero();

    ReportRuns back = EmbeddedReportRuns.in(copyDir);
    assertThat(ReportRuns.copy(runs, back)).isEqualTo(3);
    for (ReportRun run : inDirectory.list(RunFilter.all())) {
      assertThat(runs.get(run.id())).contains(run);
      assertThat(back.get(run.id())).contains(run);
      for (ReportFormat f : ReportFormat.values()) {
        byte[] original = read(inDirectory.open(run.id(), f));
        assertThat(read(runs.open(run.id(), f))).isEqualTo(original);
        assertThat(read(back.open(run.id(), f))).isEqualTo(original);
      }
    }
  }

  @Test
  void aRunLeftUnreadableIsNotListedAndIsMadeAgain() throws IOException {
    ReportRuns inDirectory = EmbeddedReportRuns.in(dir);
    runDue(inDirectory, 29);
    runDue(inDirectory, 65);
    List<ReportRun> made = inDirectory.list(RunFilter.all());
    assertThat(made).hasSize(3);
    // As a power loss could leave them before runs were synced: one empty, one cut short.
    Path empty = dir.resolve("reports").resolve(made.get(0).id()).resolve("run.json");
    Path cut = dir.resolve("reports").resolve(made.get(1).id()).resolve("run.json");
    Files.write(empty, new byte[0]);
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));

    assertThat(inDirectory.list(RunFilter.all())).containsExactly(made.get(2));
    assertThat(inDirectory.get(made.get(0).id())).isEmpty();

    assertThat(runDue(inDirectory, 65)).as("made again").hasSize(2);
    assertThat(inDirectory.list(RunFilter.all())).isEqualTo(made);
    assertThat(Files.readAllBytes(cut)).isEqualTo(whole);
  }

  private static Instant min(long minutes) {
    return T0.plusSeconds(minutes * 60);
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
