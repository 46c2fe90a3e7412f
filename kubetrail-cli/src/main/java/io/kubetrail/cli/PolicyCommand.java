package io.kubetrail.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubetrail policy}: the audit policy commands. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Check, apply and generate kube-apiserver audit policies.",
    subcommands = {
      PolicyCheckCommand.class,
      PolicyFilterCommand.class,
      PolicyGenerateCommand.class
    })
final class PolicyCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return MissingSubcommand.report(spec);
  }
}
