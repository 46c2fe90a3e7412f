package io.kubetrail.cli;

import io.kubetrail.event.Level;
import io.kubetrail.policy.Coverage;
import io.kubetrail.policy.Decision;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubetrail policy check}: validates a policy as kube-apiserver would, then shows what it
 * logs of the changes kubetrail replays.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Validate an audit policy as kube-apiserver would; show its coverage.",
      "Shows at which level the policy logs the changes kubetrail replays."
    },
    footer = {
      "",
      "Exit status: 0 when the policy is valid, 2 when kube-apiserver would refuse it.",
    })
final class PolicyCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "The audit policy file (audit.k8s.io Policy, YAML or JSON).")
  Path policyFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<LoadedPolicy> loaded = PolicyFiles.load(policyFile, err);
    if (loaded.isEmpty()) {
      return ExitCodes.USAGE;
    }
    LoadedPolicy policy = loaded.get();
    int rules = policy.policy().rules().size();
    out.println(
        policyFile
            + ": valid "
            + policy.policy().apiVersion()
            + " policy, "
            + rules
            + (rules == 1 ? " rule" : " rules"));
    out.println();
    Coverage coverage = Coverage.of(PolicyEvaluator.of(policy.policy()));
    printTable(coverage, out);
    List<Coverage.Cell> below = coverage.belowRequestResponse();
    if (!below.isEmpty()) {
      err.println(
          "warning: state replay and compliance reports need RequestResponse for "
              + below.stream()
                  .map(c -> c.label() + " (" + c.effectiveLevel() + ")")
                  .collect(Collectors.joining(", ")));
    }
    out.flush();
    err.flush();
    return ExitCodes.OK;
  }

  private static void printTable(Coverage coverage, PrintWriter out) {
    out.println("Level of the ResponseComplete event of each change kubetrail replays,");
    out.println(
        "for user "
            + coverage.user().username()
            + " (groups "
            + String.join(", ", coverage.user().groups())
            + ") in namespace "
            + Coverage.NAMESPACE
            + ":");
    out.println();
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("RESOURCE"));
    Coverage.VERBS.forEach(v -> header.add(v.toUpperCase(java.util.Locale.ROOT)));
    rows.add(header);
    for (Coverage.Target target : Coverage.TARGETS) {
      List<String> row = new ArrayList<>(List.of(target.label()));
      for (String verb : Coverage.VERBS) {
        row.add(describe(coverage.cell(target, verb)));
      }
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      out.println(line);
    }
  }

  /** {@code RequestResponse rules[3]}, {@code None (no rule)}, {@code None (stage omitted)}. */
  private static String describe(Coverage.Cell cell) {
    Decision decision = cell.decision();
    if (decision.level() != Level.None && cell.effectiveLevel() == Level.None) {
      return "None (ResponseComplete omitted by rules[" + decision.ruleIndex().getAsInt() + "])";
    }
    if (decision.ruleIndex().isEmpty()) {
      return "None (no rule matched)";
    }
    return decision.level() + " rules[" + decision.ruleIndex().getAsInt() + "]";
  }
}
