package io.kubetrail.cli;

import picocli.CommandLine;

/** Entry point of the {@code kubetrail} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; used by tests. */
  static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KubetrailCommand());
    cl.setExitCodeExceptionMapper(ex -> ExitCodes.USAGE);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println("error: " + ex.getMessage());
          cmd.getErr()
              .println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          if (ex instanceof UsageException) {
            cmd.getErr().println("error: " + ex.getMessage());
            return ExitCodes.USAGE;
          }
          throw ex;
        });
    return cl;
  }
}
