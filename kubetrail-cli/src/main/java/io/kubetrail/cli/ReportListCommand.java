package io.kubetrail.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kubetrail.report.ReportType;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.RunFilter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail report list}: the kept runs of scheduled reports, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the kept runs of scheduled reports, newest first.")
final class ReportListCommand implements Callable<Integer> {
  @Mixin StoreOptionsMixin location;

  @Option(names = "--cluster", paramLabel = "C", description = "Only runs about this cluster.")
  String cluster;

  @Option(names = "--report", paramLabel = "NAME", description = "Only runs of this report.")
  String report;

  @Option(names = "--type", paramLabel = "TYPE", description = "Only reports of this type.")
  String type;

  @Option(
      names = "--from",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "Only periods ending at or after T.")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "Only periods starting at or before T.")
  Instant to;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1: " + limit);
    }
    RunFilter f = RunFilter.all().withLimit(limit);
    if (cluster != null) {
      f = f.withCluster(cluster);
    }
    if (report != null) {
      f = f.withReport(report);
    }
    if (type != null) {
      f =
          f.withType(
              ReportType.byId(type)
                  .orElseThrow(
                      () -> new UsageException("--type: unknown report type '" + type + "'")));
    }
    if (from != null) {
      f = f.withFrom(from);
    }
    if (to != null) {
      f = f.withTo(to);
    }
    List<ReportRun> runs;
    try (StoreOptionsMixin.OpenRuns kept = location.reportRuns()) {
      runs = kept.runs().list(f);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case "table" -> {
        StoreTable table = new StoreTable("ID", "TYPE", "START", "END", "EVENTS", "WARNINGS");
        for (ReportRun r : runs) {
          table.add(
              r.id(),
              r.type().id(),
              r.start().toString(),
              r.end().toString(),
              Long.toString(r.evidence().eventsReplayed()),
              Integer.toString(r.evidence().warnings().size()));
        }
        table.print(out);
      }
      case "json" -> {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        runs.forEach(r -> a.add(r.toJson()));
        out.println(a.toPrettyString());
      }
      default -> throw new UsageException("--output: expected table or json, got " + output);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
