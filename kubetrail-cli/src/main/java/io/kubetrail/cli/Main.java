package io.kubetrail.cli;

import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreUnavailableException;
import io.kubetrail.store.search.BadParameterException;
import java.util.Optional;
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
          Optional<StoreCorruptException> damaged = cause(ex, StoreCorruptException.class);
          if (damaged.isPresent()) {
            // The message names the damaged file and what to do; a stack trace would bury it.
            cmd.getErr().println("error: " + damaged.get().getMessage());
            return ExitCodes.DAMAGED;
          }
          Optional<StoreUnavailableException> unreachable =
              cause(ex, StoreUnavailableException.class);
          if (unreachable.isPresent()) {
            // One line naming the location and why; it may work later, so not a usage error.
            cmd.getErr().println("error: " + unreachable.get().getMessage());
            return ExitCodes.UNAVAILABLE;
          }
          if (ex instanceof UsageException || ex instanceof BadParameterException) {
            cmd.getErr().println("error: " + ex.getMessage());
            return ExitCodes.USAGE;
          }
          Optional<StoreException> store = cause(ex, StoreException.class);
          if (store.isPresent()) {
            cmd.getErr().println("error: " + store.get().getMessage());
            return ExitCodes.USAGE;
          }
          throw ex;
        });
    return cl;
  }

  /** The first exception of a type in a chain of causes. */
  static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }
}
