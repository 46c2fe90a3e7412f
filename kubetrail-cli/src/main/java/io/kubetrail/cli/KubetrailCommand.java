package io.kubetrail.cli;

import picocli.CommandLine.Command;

/** The top-level command; its subcommands are kubetrail's jobs. */
@Command(
    name = "kubetrail",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "See every change to Kubernetes resources over time, from kube-apiserver audit logs.",
    subcommands = {
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
      picocli.CommandLine.HelpCommand.class
    })
final class KubetrailCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return MissingSubcommand.report(spec);
  }
}
