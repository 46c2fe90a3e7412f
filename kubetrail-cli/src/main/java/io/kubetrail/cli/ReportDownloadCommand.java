package io.kubetrail.cli;

import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.runs.ReportRuns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubetrail report download ID}: one kept run's report, in a format. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Write one kept run of a scheduled report in a format.",
      "json, yaml and html are one file each; csv is a zip of Calico's CSV files.",
      "It goes into --out DIR (default: the current directory) as ID.FORMAT (ID.csv.zip), or to"
          + " standard output with --out -."
    })
final class ReportDownloadCommand implements Callable<Integer> {
  /** Standard output; tests put a buffer here. */
  OutputStream stdout = System.out;

  @Mixin StoreOptionsMixin location;

  @Parameters(paramLabel = "ID", description = "The run, as 'report list' shows it.")
  String id;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "json",
      description = "json, yaml, csv or html (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the file goes; - for stdout.")
  String out = ".";

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ReportFormat f = ReportCommand.format(format);
    try (StoreOptionsMixin.OpenRuns kept = location.reportRuns()) {
      return download(kept.runs(), f);
    }
  }

  private int download(ReportRuns runs, ReportFormat f) throws IOException {
    if (runs.get(id).isEmpty()) {
      throw new UsageException("no report run " + id + " in the store");
    }
    try (InputStream in = runs.open(id, f)) {
      if (out.equals("-")) {
        in.transferTo(stdout);
        stdout.flush();
        return ExitCodes.OK;
      }
      Path dir = Path.of(out);
      Files.createDirectories(dir);
      Path file = dir.resolve(ReportRuns.fileName(id, f));
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      spec.commandLine().getOut().println(file);
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
