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
    return commandLine(args).execute(args);
  }

  /** The whole command line, every subcommand registered. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code line}: when it starts with a subcommand's name, only that
   * subcommand is registered (building and instantiating all fifteen took a tenth of a second of
   * every command's start); otherwise (help, version, a mistyped name) all of them.
   */
  static CommandLine commandLine(String... line) {
    CommandLine cl = new CommandLine(new KubetrailCommand());
    Optional<Class<?>> named = line.length == 0 ? Optional.empty() : subcommand(line[0]);
    if (named.isPresent()) {
      cl.addSubcommand(named.get());
    } else {
      KubetrailCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
    }
    // Handlers reach the subcommands registered so far: set them last.
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

  /** The subcommand named {@code name}, unless it is help (which needs all of them). */
  private static Optional<Class<?>> subcommand(String name) {
    for (Class<?> c : KubetrailCommand.SUBCOMMANDS) {
      if (c != CommandLine.HelpCommand.class
          && c.getAnnotation(CommandLine.Command.class).name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
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
