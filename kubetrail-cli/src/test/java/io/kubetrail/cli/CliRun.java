package io.kubetrail.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import picocli.CommandLine;

/** Runs the command line in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String... args) {
    return run(null, null, args);
  }

  static CliRun withStdin(String stdin, String... args) {
    return run(stdin, null, args);
  }

  static CliRun at(Clock clock, String... args) {
    return run(null, clock, args);
  }

  private static CliRun run(String stdin, Clock clock, String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    if (stdin != null) {
      ((IngestCommand) cl.getSubcommands().get("ingest").getCommand()).stdinStream =
          new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (clock != null) {
      ((PruneCommand) cl.getSubcommands().get("prune").getCommand()).clock = clock;
    }
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
