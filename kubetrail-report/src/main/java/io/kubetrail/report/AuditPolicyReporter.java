package io.kubetrail.report;

import io.kubetrail.event.Level;
import io.kubetrail.policy.Coverage;
import io.kubetrail.policy.Decision;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.policy.RequestAttributes;
import io.kubetrail.report.AuditPolicyReport.CisCheck;
import io.kubetrail.report.AuditPolicyReport.CoverageRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code audit-policy} report: CIS Kubernetes Benchmark 3.2.1 (a minimal audit policy exists)
 * and 3.2.2 (it covers the key security concerns: secrets, config maps and token reviews logged at
 * Metadata only, since their bodies hold credentials; changes to pods and deployments logged; exec,
 * attach, port-forward and proxy logged), each probed as a cluster administrator's request in
 * namespace {@code default}; and the policy's {@link Coverage} of what replay needs.
 */
final class AuditPolicyReporter {
  private static final List<String> ALL_VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");
  private static final List<String> WRITES = List.of("create", "update", "patch", "delete");

  private AuditPolicyReporter() {}

  static AuditPolicyReport report(LoadedPolicy loaded) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(loaded.policy());
    Coverage coverage = Coverage.of(evaluator);
    List<CoverageRow> rows = new ArrayList<>();
    for (Coverage.Cell cell : coverage.cells()) {
      rows.add(
          new CoverageRow(
              cell.target().label(),
              cell.verb(),
              cell.effectiveLevel().name(),
              rule(cell.decision()),
              !cell.belowRequestResponse()));
    }
    List<String> warnings = new ArrayList<>();
    for (Coverage.Cell cell : coverage.belowRequestResponse()) {
      warnings.add(
          "the policy logs "
              + cell.label()
              + " below RequestResponse for some requesters: state replay and the reports built on"
              + " it miss those changes' bodies");
    }
    return new AuditPolicyReport(
        loaded.source(),
        loaded.warnings(),
        List.of(minimalPolicy(loaded, evaluator), keyConcerns(evaluator)),
        rows,
        new Evidence(0, "", warnings));
  }

  private static CisCheck minimalPolicy(LoadedPolicy loaded, PolicyEvaluator evaluator) {
    List<String> findings = new ArrayList<>();
    if (loaded.policy().rules().isEmpty()) {
      findings.add("the policy has no rules: kube-apiserver logs nothing");
    } else if (level(evaluator, "get", "", "pods", "") == Level.None
        && level(evaluator, "create", "", "pods", "") == Level.None) {
      findings.add("the policy logs neither reads nor writes of pods");
    }
    return new CisCheck(
        "3.2.1", "Ensure that a minimal audit policy is created", findings.isEmpty(), findings);
  }

  private static CisCheck keyConcerns(PolicyEvaluator evaluator) {
    List<String> findings = new ArrayList<>();
    for (String verb : ALL_VERBS) {
      exactlyMetadata(evaluator, verb, "", "secrets", findings);
      exactlyMetadata(evaluator, verb, "", "configmaps", findings);
    }
    exactlyMetadata(evaluator, "create", "authentication.k8s.io", "tokenreviews", findings);
    for (String verb : WRITES) {
      logged(evaluator, verb, "", "pods", "", findings);
      logged(evaluator, verb, "apps", "deployments", "", findings);
    }
    logged(evaluator, "create", "", "pods", "exec", findings);
    logged(evaluator, "create", "", "pods", "attach", findings);
    logged(evaluator, "create", "", "pods", "portforward", findings);
    logged(evaluator, "get", "", "pods", "proxy", findings);
    logged(evaluator, "get", "", "services", "proxy", findings);
    return new CisCheck(
        "3.2.2",
        "Ensure that the audit policy covers key security concerns",
        findings.isEmpty(),
        findings);
  }

  private static void exactlyMetadata(
      PolicyEvaluator evaluator, String verb, String group, String resource, List<String> out) {
    Decision d = decide(evaluator, verb, group, resource, "");
    Level l = effective(d);
    String what = verb + " " + label(group, resource, "");
    if (l == Level.None) {
      out.add(what + ": not logged (" + describe(d) + "); CIS asks for Metadata");
    } else if (l != Level.Metadata) {
      out.add(
          what
              + ": logged at "
              + describe(d)
              + ", which records bodies holding credentials; CIS asks for Metadata only");
    }
  }

  private static void logged(
      PolicyEvaluator evaluator,
      String verb,
      String group,
      String resource,
      String sub,
      List<String> out) {
    Decision d = decide(evaluator, verb, group, resource, sub);
    if (effective(d) == Level.None) {
      out.add(verb + " " + label(group, resource, sub) + ": not logged (" + describe(d) + ")");
    }
  }

  private static Level level(
      PolicyEvaluator evaluator, String verb, String group, String resource, String sub) {
    return effective(decide(evaluator, verb, group, resource, sub));
  }

  private static Decision decide(
      PolicyEvaluator evaluator, String verb, String group, String resource, String sub) {
    boolean clusterScoped = resource.equals("tokenreviews");
    boolean named = !verb.equals("create") && !verb.equals("list") && !verb.equals("watch");
    return evaluator.evaluate(
        RequestAttributes.resource(
            Optional.of(Coverage.ADMIN.user()),
            verb,
            group,
            resource,
            sub,
            clusterScoped ? "" : "default",
            named || !sub.isEmpty() ? Coverage.NAME : ""));
  }

  /** The level of the ResponseComplete event, as {@link Coverage.Probe} reads it. */
  private static Level effective(Decision d) {
    RequestAttributes any = RequestAttributes.nonResource(Optional.empty(), "get", "/");
    return new Coverage.Probe(Coverage.ADMIN, any, d).effectiveLevel();
  }

  private static String describe(Decision d) {
    return d.ruleIndex().isEmpty()
        ? d.level() + ", no rule matched"
        : d.level() + " by rules[" + d.ruleIndex().getAsInt() + "]";
  }

  private static String rule(Decision d) {
    return d.ruleIndex().isEmpty() ? "" : "rules[" + d.ruleIndex().getAsInt() + "]";
  }

  private static String label(String group, String resource, String sub) {
    String r = group.isEmpty() ? resource : resource + "." + group;
    return sub.isEmpty() ? r : r + "/" + sub;
  }
}
