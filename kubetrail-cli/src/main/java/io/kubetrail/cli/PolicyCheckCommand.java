package io.kubetrail.cli;

import io.kubetrail.event.Level;
import io.kubetrail.policy.Coverage;
import io.kubetrail.policy.Decision;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
      "Shows at which level the policy logs the changes kubetrail replays: create,",
      "update, patch and delete of pods, namespaces, service accounts, endpoints and",
      "network policies. Each change is tried by these requesters in namespaces",
      "default and kube-system:",
      "  admin                 kubernetes-admin (group kubeadm:cluster-admins)",
      "  user                  jane",
      "  kubelet               system:node:node-1 (group system:nodes)",
      "  controller            system:serviceaccount:kube-system:replicaset-controller",
      "  namespace-controller  system:serviceaccount:kube-system:namespace-controller",
      "  controller-manager    system:kube-controller-manager (endpoints only)",
      "  endpoint-controller   system:serviceaccount:kube-system:endpoint-controller",
      "                        (endpoints only)",
      "Updates and patches of pods and namespaces also try the status subresource;",
      "deletes also try deletecollection. The table shows the lowest level any",
      "requester gets, with the rule and, when they differ, who gets it. A warning on",
      "standard error names every requester below RequestResponse for each change:",
      "state replay and compliance reports need RequestResponse."
    },
    footer = {
      "",
      "Exit status: 0 when the policy is valid, 2 when kube-apiserver would refuse it.",
    })
final class PolicyCheckCommand implements Callable<Integer> {
  /** How every coverage warning begins; scripts look for it. */
  static final String NEED_REQUEST_RESPONSE =
      "state replay and compliance reports need RequestResponse for ";

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
    for (Coverage.Cell cell : coverage.belowRequestResponse()) {
      err.println("warning: " + NEED_REQUEST_RESPONSE + cell.label() + ": " + describeGaps(cell));
    }
    out.flush();
    err.flush();
    return ExitCodes.OK;
  }

  private static void printTable(Coverage coverage, PrintWriter out) {
    out.println("Level of the ResponseComplete event of each change kubetrail replays: the");
    out.println(
        "lowest any of these requesters gets in namespaces "
            + String.join(" and ", Coverage.NAMESPACES)
            + ":");
    out.println();
    List<List<String>> legend = new ArrayList<>();
    for (Coverage.Requester requester : coverage.requesters()) {
      List<String> groups =
          requester.user().groups().stream().filter(g -> !implicitGroup(requester, g)).toList();
      String scope =
          requester.targets().isEmpty()
              ? ""
              : ", "
                  + Coverage.TARGETS.stream()
                      .filter(requester::changes)
                      .map(Coverage.Target::label)
                      .collect(Collectors.joining(", "))
                  + " only";
      legend.add(
          List.of(
              "  " + requester.name(),
              requester.user().username()
                  + (groups.isEmpty() ? "" : " (group " + String.join(", ", groups) + ")")
                  + scope));
    }
    printColumns(legend, out);
    out.println();
    out.println("Each is in group system:authenticated, service accounts also in their");
    out.println("system:serviceaccounts groups. Updates and patches of pods and namespaces");
    out.println("include the status subresource; deletes include deletecollection. Warnings");
    out.println("name each requester below RequestResponse.");
    out.println();
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("RESOURCE"));
    Coverage.VERBS.forEach(v -> header.add(v.toUpperCase(Locale.ROOT)));
    rows.add(header);
    for (Coverage.Target target : Coverage.TARGETS) {
      List<String> row = new ArrayList<>(List.of(target.label()));
      for (String verb : Coverage.VERBS) {
        row.add(describeCell(coverage.cell(target, verb)));
      }
      rows.add(row);
    }
    printColumns(rows, out);
  }

  /** Groups kube-apiserver adds to every user, or to every service account, of its own. */
  private static boolean implicitGroup(Coverage.Requester requester, String group) {
    String user = requester.user().username();
    return group.equals("system:authenticated")
        || (user.startsWith("system:serviceaccount:")
            && group.startsWith("system:serviceaccounts"));
  }

  private static void printColumns(List<List<String>> rows, PrintWriter out) {
    int[] widths = new int[rows.get(0).size()];
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

  /**
   * {@code RequestResponse rules[3]} when every probe agrees, else the lowest with who gets it:
   * {@code None rules[4] (controller-manager)}, {@code Request rules[11] (kubelet, status)}, or
   * {@code None (no rule matched) (deletecollection)} when every requester does.
   */
  private static String describeCell(Coverage.Cell cell) {
    Coverage.Probe lowest = cell.lowest();
    String outcome = describe(lowest);
    if (cell.uniform()) {
      return outcome;
    }
    String variant = variant(cell, lowest);
    List<Coverage.Probe> sameVariant =
        cell.probes().stream().filter(p -> variant(cell, p).equals(variant)).toList();
    String shortVariant =
        lowest.request().verb().equals(cell.verb())
            ? lowest.request().subresource()
            : lowest.request().verb();
    if (sameVariant.stream().allMatch(p -> p.decision() == lowest.decision())) {
      return outcome + " (" + shortVariant + ")";
    }
    return outcome
        + " ("
        + lowest.requester().name()
        + (shortVariant.isEmpty() ? "" : ", " + shortVariant)
        + ")";
  }

  /**
   * {@code RequestResponse rules[3]}, {@code None (no rule matched)}, {@code None (ResponseComplete
   * omitted by rules[2])}.
   */
  private static String describe(Coverage.Probe probe) {
    Decision decision = probe.decision();
    if (decision.level() != Level.None && probe.effectiveLevel() == Level.None) {
      return "None (ResponseComplete omitted by rules[" + decision.ruleIndex().getAsInt() + "])";
    }
    if (decision.ruleIndex().isEmpty()) {
      return "None (no rule matched)";
    }
    return decision.level() + " rules[" + decision.ruleIndex().getAsInt() + "]";
  }

  /**
   * The probes of a cell below RequestResponse, grouped by what they get, lowest first: {@code None
   * rules[4] for controller-manager in kube-system; Request rules[11] for kubelet on pods/status}.
   * A group that holds every probe of the cell says "for every requester"; a requester all of whose
   * probes are in the group is named alone.
   */
  private static String describeGaps(Coverage.Cell cell) {
    Map<Decision, List<Coverage.Probe>> groups = new LinkedHashMap<>();
    cell.gaps().stream()
        .sorted(Comparator.comparing(Coverage.Probe::effectiveLevel))
        .forEach(p -> groups.computeIfAbsent(p.decision(), d -> new ArrayList<>()).add(p));
    List<String> parts = new ArrayList<>();
    for (List<Coverage.Probe> group : groups.values()) {
      String who =
          group.size() == cell.probes().size() ? "every requester" : describeWho(cell, group);
      parts.add(describe(group.get(0)) + " for " + who);
    }
    return String.join("; ", parts);
  }

  /**
   * {@code every requester on pods/status}, {@code kubelet on pods/status}, {@code
   * controller-manager in kube-system}: by request variant, then by requester, naming namespaces
   * only when the requester gets more in the others.
   */
  private static String describeWho(Coverage.Cell cell, List<Coverage.Probe> group) {
    Map<String, List<Coverage.Probe>> byVariant = new LinkedHashMap<>();
    group.forEach(p -> byVariant.computeIfAbsent(variant(cell, p), v -> new ArrayList<>()).add(p));
    List<String> who = new ArrayList<>();
    byVariant.forEach(
        (variant, probes) -> {
          List<Coverage.Probe> all =
              cell.probes().stream().filter(p -> variant(cell, p).equals(variant)).toList();
          if (probes.size() == all.size()) {
            who.add("every requester" + variant);
            return;
          }
          Map<Coverage.Requester, Set<String>> namespaces = new LinkedHashMap<>();
          probes.forEach(
              p ->
                  namespaces
                      .computeIfAbsent(p.requester(), r -> new LinkedHashSet<>())
                      .add(p.request().namespace()));
          namespaces.forEach(
              (requester, inNamespaces) -> {
                long everywhere = all.stream().filter(p -> p.requester() == requester).count();
                inNamespaces.remove("");
                boolean partly = everywhere > inNamespaces.size() && !inNamespaces.isEmpty();
                who.add(
                    requester.name()
                        + variant
                        + (partly ? " in " + String.join(" and ", inNamespaces) : ""));
              });
        });
    return String.join(", ", who);
  }

  /** {@code ""}, {@code " on pods/status"} or {@code " via deletecollection"}. */
  private static String variant(Coverage.Cell cell, Coverage.Probe probe) {
    if (!probe.request().verb().equals(cell.verb())) {
      return " via " + probe.request().verb();
    }
    return probe.request().subresource().isEmpty() ? "" : " on " + probe.resourceLabel();
  }
}
