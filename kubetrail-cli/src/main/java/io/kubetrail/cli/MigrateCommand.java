package io.kubetrail.cli;

import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreCopy;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail migrate}: copies a store into another. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a store into another, resumably, and verify the copy.",
      "A directory into an OpenSearch cluster, or back, with its snapshots and the runs of its"
          + " scheduled reports.",
      "Resumable: run it again after an interruption and it continues where the destination got"
          + " to; events the destination has already are not stored twice. The destination is"
          + " verified afterwards.",
      "Exit status: 0 when the copy verifies, 1 when it does not, 2 on a usage error."
    })
final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DIR|URL",
      description = "The store to copy (read only).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIR|URL",
      description = "The store to copy into; created when absent.")
  String to;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StoreOptionsMixin source = new StoreOptionsMixin();
    source.location(from);
    StoreOptionsMixin destination = new StoreOptionsMixin();
    destination.location(to);
    ProgressDisplay display = new ProgressDisplay(err, System.console() != null, System::nanoTime);
    StoreCopy.Result result;
    long runs;
    try (AuditStore in = source.openReadOnly();
        AuditStore into = destination.openForWriting()) {
      result =
          StoreCopy.copy(
              in,
              into,
              from,
              (copied, total) -> {
                if (display.due()) {
                  String text =
                      String.format(Locale.ROOT, "copied %,d of %,d events", copied, total);
                  display.show(total > 0 ? (int) (100 * copied / total) : 100, text, text);
                }
              });
      // The directory's runs live in it, a cluster's in its state index; the copy has them too.
      runs =
          source.remote() || destination.remote()
              ? ReportRuns.copy(ReportRuns.of(from, in), ReportRuns.of(to, into))
              : 0;
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    } finally {
      display.finish();
    }
    out.printf(
        Locale.ROOT,
        "%s -> %s: %s%,d events read, %,d stored anew, %,d snapshots and %,d report runs copied;"
            + " %s%n",
        from,
        to,
        result.resumed() ? "resumed, " : "",
        result.copied(),
        result.stored(),
        result.snapshots(),
        runs,
        result.verified());
    return result.verified().ok() ? ExitCodes.OK : ExitCodes.REJECTED;
  }
}
