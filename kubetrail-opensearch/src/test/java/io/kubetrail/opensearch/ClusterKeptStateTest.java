package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.report.Evidence;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportType;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.RunFilter;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report runs and the collector's status of a store on a cluster are kept in the cluster: a second
 * client of the store (another machine) sees what the first kept, and runs a directory kept are
 * copied in whole.
 */
class ClusterKeptStateTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void everyClientOfTheStoreSeesTheSameRunsAndCollectorStatus() throws IOException {
    String location = OpenSearchNode.shared().freshLocation("kept");
    ReportRun first = run("prod", 1);
    try (AuditStore writer = AuditStores.open(location, StoreOptions.defaults());
        AuditStore reader =
            AuditStores.open(location, StoreOptions.builder().readOnly(true).build())) {
      ReportRuns mine = ReportRuns.of(location, writer);
      ReportRuns theirs = ReportRuns.of(location, reader);
      assertThat(mine.saveFiles(first, files("first"))).isEqualTo(first);
      assertThat(mine.saveFiles(first, files("again"))).as("the first kept").isEqualTo(first);

      assertThat(theirs.list(RunFilter.all())).containsExactly(first);
      assertThat(theirs.get(first.id())).contains(first);
      assertThat(read(theirs.open(first.id(), ReportFormat.YAML))).isEqualTo("first YAML");

      // Runs an earlier kubetrail kept in a directory go in whole, once.
      ReportRuns local = EmbeddedReportRuns.in(dir);
      local.saveFiles(run("prod", 2), files("local"));
      local.saveFiles(run("staging", 3), files("staging"));
      assertThat(ReportRuns.copy(local, mine)).isEqualTo(2);
      assertThat(ReportRuns.copy(local, mine)).isZero();
      assertThat(theirs.list(RunFilter.all()))
          .extracting(ReportRun::id)
          .containsExactly(run("staging", 3).id(), run("prod", 2).id(), first.id());
      assertThat(theirs.list(RunFilter.all().withCluster("staging"))).hasSize(1);
      assertThat(read(theirs.open(run("prod", 2).id(), ReportFormat.CSV))).isEqualTo("local CSV");

      CollectorStatus status =
          new CollectorStatus(
              T0.toString(), 42, List.of(), 0, 0, 0, "", 0, "", false, "down for a while");
      status.write(writer.states(), "prod");
      CollectorStatus newer =
          new CollectorStatus(
              T0.plusSeconds(5).toString(), 43, List.of(), 0, 0, 0, "", 0, "", false, "");
      newer.write(writer.states(), "staging");
      assertThat(CollectorStatus.read(reader.states())).contains(newer);
    }
  }

  private static ReportRun run(String cluster, int hour) {
    Instant end = T0.plusSeconds(3600L * hour);
    return new ReportRun(
        ReportRun.idOf(cluster, "hourly", end),
        cluster,
        "hourly",
        ReportType.CHANGES,
        end.minusSeconds(3600),
        end,
        end.plusSeconds(60),
        new Evidence(hour, "", List.of()));
  }

  private static Map<ReportFormat, byte[]> files(String text) {
    Map<ReportFormat, byte[]> files = new EnumMap<>(ReportFormat.class);
    for (ReportFormat f : ReportFormat.values()) {
      files.put(f, (text + " " + f).getBytes(StandardCharsets.UTF_8));
    }
    return files;
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
