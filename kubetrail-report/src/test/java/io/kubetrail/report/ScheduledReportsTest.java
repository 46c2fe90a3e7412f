package io.kubetrail.report;

import static io.kubetrail.report.TestCluster.T0;
import static io.kubetrail.report.TestCluster.denyIngress;
import static io.kubetrail.report.TestCluster.namespace;
import static io.kubetrail.report.TestCluster.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.runs.CronSchedule;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.ReportScheduler;
import io.kubetrail.report.runs.RunFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled reports: periods made once complete, missed ones caught up, runs kept and read back.
 */
class ScheduledReportsTest {
  @TempDir Path dir;
  TestCluster cluster;
  ReportRuns runs;

  static final ReportDefinition HALF_HOURLY =
      new ReportDefinition(
          "web",
          ReportType.NETWORK_ACCESS,
          CronSchedule.parse("0,30 * * * *"),
          EndpointScope.everything(),
          false);

  @BeforeEach
  void history() throws IOException {
    cluster = shop(dir);
    runs = EmbeddedReportRuns.in(dir);
  }

  /** A shop namespace, its web pod, and 40 minutes later a policy denying it ingress. */
  static TestCluster shop(Path dir) throws IOException {
    TestCluster cluster = TestCluster.open(dir);
    cluster
        .create(10, "admin", namespace("shop", Map.of("team", "shop")))
        .create(20, "alice", pod("shop", "web", Map.of("app", "web")))
        .create(40 * 60, "bob", denyIngress("networking.k8s.io/v1", "shop", "deny-web", "web"));
    return cluster;
  }

  @AfterEach
  void close() throws IOException {
    cluster.close();
  }

  private ReportScheduler scheduler(ReportDefinition... defs) throws IOException {
    return new ReportScheduler(
        cluster.source(),
        List.of(defs),
        runs,
        Optional.empty(),
        Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC));
  }

  private static Instant min(long minutes) {
    return T0.plusSeconds(minutes * 60);
  }

  @Test
  void aPeriodIsMadeOnceCompleteAndMissedOnesAreCaughtUp() throws IOException {
    List<String> notes = new ArrayList<>();
    // No run yet: the latest complete period only, not the whole past.
    assertThat(scheduler(HALF_HOURLY).runDue(min(29), notes::add))
        .extracting(ReportRun::id)
        .containsExactly("prod.web-20260101T000000Z");
    List<ReportRun> first = scheduler(HALF_HOURLY).runDue(min(31), notes::add);
    assertThat(first).extracting(ReportRun::id).containsExactly("prod.web-20260101T003000Z");
    assertThat(first.get(0).start()).isEqualTo(min(0));

    // Down for an hour and a half: every missed period, in order.
    List<ReportRun> later = scheduler(HALF_HOURLY).runDue(min(125), notes::add);
    assertThat(later).extracting(ReportRun::end).containsExactly(min(60), min(90), min(120));
    assertThat(scheduler(HALF_HOURLY).runDue(min(125), notes::add)).as("made once").isEmpty();
    assertThat(notes).anyMatch(n -> n.contains("prod.web-20260101T010000Z made"));

    assertThat(runs.list(RunFilter.all()))
        .extracting(ReportRun::end)
        .containsExactly(min(120), min(90), min(60), min(30), min(0));
    assertThat(runs.list(RunFilter.all().withFrom(min(60)).withTo(min(60)).withLimit(5)))
        .extracting(ReportRun::end)
        .containsExactly(min(90), min(60));
  }

  @Test
  void runsAreReadBackInEveryFormat() throws IOException {
    scheduler(HALF_HOURLY).runDue(min(61), n -> {});
    ReportRun run = runs.get("prod.web-20260101T010000Z").orElseThrow();
    assertThat(run.type()).isEqualTo(ReportType.NETWORK_ACCESS);
    assertThat(run.evidence().eventsReplayed()).isGreaterThan(0);
    String json = read(runs.open(run.id(), ReportFormat.JSON));
    assertThat(json).contains("\"reportType\" : \"network-access\"").contains("shop/deny-web");
    assertThat(read(runs.open(run.id(), ReportFormat.HTML))).startsWith("<!DOCTYPE html>");
    List<String> names = new ArrayList<>();
    try (ZipInputStream z = new ZipInputStream(runs.open(run.id(), ReportFormat.CSV))) {
      for (var e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("summary.csv", "endpoints.csv");
    assertThat(ReportRuns.fileName(run.id(), ReportFormat.CSV)).isEqualTo(run.id() + ".csv.zip");
    assertThat(runs.get("nothing")).isEmpty();
    assertThatThrownBy(() -> runs.open("prod.web-20990101T000000Z", ReportFormat.JSON))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void suspendedDefinitionsMakeNothing() throws IOException {
    ReportDefinition suspended =
        new ReportDefinition(
            "off", ReportType.CHANGES, HALF_HOURLY.schedule(), EndpointScope.everything(), true);
    assertThat(scheduler(suspended).runDue(min(125), n -> {})).isEmpty();
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
