package io.kubetrail.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What a command that only groups subcommands does when run alone: a usage error. */
final class MissingSubcommand {
  private MissingSubcommand() {}

  /** Prints the usage on standard error and returns the usage exit code. */
  static int report(CommandSpec spec) {
    CommandLine cl = spec.commandLine();
    cl.getErr().println("error: missing command");
    cl.usage(cl.getErr());
    return ExitCodes.USAGE;
  }
}
