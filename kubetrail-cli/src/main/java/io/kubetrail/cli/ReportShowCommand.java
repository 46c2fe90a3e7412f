package io.kubetrail.cli;

import io.kubetrail.report.runs.ReportRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubetrail report show ID}: one kept run, with its evidence. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one kept run of a scheduled report and its evidence (JSON).")
final class ReportShowCommand implements Callable<Integer> {
  @Mixin StoreOptionsMixin location;

  @Parameters(paramLabel = "ID", description = "The run, as 'report list' shows it.")
  String id;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ReportRun run;
    try (StoreOptionsMixin.OpenRuns kept = location.reportRuns()) {
      run =
          kept.runs()
              .get(id)
              .orElseThrow(() -> new UsageException("no report run " + id + " in the store"));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(run.toJson().toPrettyString());
    out.flush();
    return ExitCodes.OK;
  }
}
