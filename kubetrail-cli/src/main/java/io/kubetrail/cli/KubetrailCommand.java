package io.kubetrail.cli;

import java.util.List;
import picocli.CommandLine.Command;

/**
 * The top-level command; its subcommands are kubetrail's jobs. They are listed here rather than in
 * the annotation so that {@link Main} can register only the one a command line names: picocli
 * builds the model of every registered command, and instantiates it, before running any.
 */
@Command(
    name = "kubetrail",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "See every change to Kubernetes resources over time, from kube-apiserver audit logs.")
final class KubetrailCommand implements java.util.concurrent.Callable<Integer> {
  /** The subcommands, in the order the help lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          SimulateCommand.class,
          PolicyCommand.class,
          IngestCommand.class,
          CollectCommand.class,
          StatusCommand.class,
          SearchCommand.class,
          VerifyCommand.class,
          PruneCommand.class,
          MigrateCommand.class,
          SnapshotCommand.class,
          StateCommand.class,
          HistoryCommand.class,
          ReportCommand.class,
          ServeCommand.class,
          WebhookConfigCommand.class,
          picocli.CommandLine.HelpCommand.class);

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return MissingSubcommand.report(spec);
  }
}
