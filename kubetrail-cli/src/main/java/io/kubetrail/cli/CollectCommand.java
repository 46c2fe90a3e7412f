package io.kubetrail.cli;

import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.ConfigException;
import io.kubetrail.collector.CollectorRun;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportDefinitionException;
import io.kubetrail.report.runs.ReportDefinitions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail collect}: runs the configured sources into the store until stopped. */
@Command(
    name = "collect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Collect audit events continuously, until stopped.",
      "Follows kube-apiserver's audit log files across rotation, receives its webhook backend's"
          + " EventLists, and stores them (or forwards them to a central kubetrail).",
      "On SIGTERM or SIGINT it stores what it holds and exits 0. Each source's position is"
          + " committed with its events, so a restart (or a crash) resumes with nothing lost"
          + " and nothing stored twice. Bad records go to the dead-letter file and never stop"
          + " it; 'kubetrail status' shows how each source is doing.",
      "While the store cannot be reached, batches are kept in an on-disk buffer (1 GiB by"
          + " default) and appended, in order, once it is back.",
      "The configuration file is YAML; see the README's \"Collecting continuously\"."
    })
final class CollectCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The collector configuration (YAML).")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    try (CollectorRun run =
        CollectorRun.open(setup(config, err), StoreOptionsMixin.collectorStores(), log(err))) {
      return run(run, spec.commandLine().getOut());
    }
  }

  /** Runs a collector until SIGTERM or SIGINT, then says what it stored. */
  static int run(CollectorRun run, PrintWriter out) throws IOException, InterruptedException {
    Signals.onTerminate(run::stop);
    CollectorRun.Summary summary = run.run();
    out.printf(
        Locale.ROOT,
        "stopped: %,d events stored, %,d duplicates%n",
        summary.stored(),
        summary.duplicates());
    return ExitCodes.OK;
  }

  /**
   * The collector configuration in {@code file} and the files it names (its policy, its scheduled
   * reports), read and checked: a problem is a usage error.
   */
  static CollectorRun.Setup setup(Path file, PrintWriter err) throws IOException {
    CollectorConfig cfg;
    try {
      cfg = CollectorConfig.load(file);
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
    List<ReportDefinition> reports = List.of();
    if (cfg.reports().isPresent()) {
      try {
        reports = ReportDefinitions.load(cfg.reports().get());
      } catch (ReportDefinitionException e) {
        throw new UsageException("reports: " + e.getMessage(), e);
      }
    }
    Optional<LoadedPolicy> policy = cfg.policy().map(p -> PolicyFiles.loadValid(p, "policy", err));
    return new CollectorRun.Setup(cfg, policy, reports);
  }

  /** The collector's notes and warnings, a line each, on standard error. */
  static Consumer<String> log(PrintWriter err) {
    return message -> {
      synchronized (err) {
        err.println("kubetrail collect: " + message);
        err.flush();
      }
    };
  }
}
