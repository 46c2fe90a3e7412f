package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command explains itself: a one-line summary in its parent's list, and its own --help. */
class HelpTest {
  /** Wide enough for " command " plus the summary on an 80-column terminal. */
  private static final int SUMMARY_WIDTH = 68;

  static Stream<String> commandPaths() {
    List<String> paths = new ArrayList<>();
    collect(Main.commandLine(), "", paths);
    return paths.stream();
  }

  private static void collect(CommandLine cl, String prefix, List<String> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String path = (prefix + " " + e.getKey()).trim();
      out.add(path);
      collect(e.getValue(), path, out);
    }
  }

  @Test
  void topLevelHelpListsEveryCommandOnOneLine() {
    CliRunner.Result r = CliRunner.run("--help");
    assertThat(r.exitCode()).isZero();
    List<String> top = new ArrayList<>(Main.commandLine().getSubcommands().keySet());
    assertThat(top)
        .contains(
            "simulate",
            "policy",
            "ingest",
            "search",
            "verify",
            "prune",
            "snapshot",
            "state",
            "history",
            "webhook-config");
    for (String name : top) {
      assertThat(r.stdout()).containsPattern("(?m)^  " + name + " +\\S.*$");
    }
    String commands = r.stdout().substring(r.stdout().indexOf("Commands:"));
    assertThat(commands.lines().skip(1))
        .as("no command summary wraps onto a second line")
        .allMatch(line -> line.matches("^  [a-z-]+ +\\S.*"));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "policy", "snapshot"})
  void aGroupWithoutItsCommandIsAUsageError(String group) {
    CliRunner.Result r = group.isEmpty() ? CliRunner.run() : CliRunner.run(group);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).startsWith("error: missing command").contains("Usage: kubetrail");
    assertThat(r.stdout()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("commandPaths")
  void everyCommandHasHelpAndAShortSummary(String path) {
    CommandLine cl = Main.commandLine();
    for (String part : path.split(" ")) {
      cl = cl.getSubcommands().get(part);
    }
    String[] description = cl.getCommandSpec().usageMessage().description();
    assertThat(description).as(path).isNotEmpty();
    assertThat(description[0].length())
        .as(path + ": " + description[0])
        .isLessThanOrEqualTo(SUMMARY_WIDTH);

    List<String> args = new ArrayList<>(List.of(path.split(" ")));
    args.add("--help");
    CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).startsWith("Usage: kubetrail " + path);
  }
}
