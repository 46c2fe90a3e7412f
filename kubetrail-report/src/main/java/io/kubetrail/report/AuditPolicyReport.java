package io.kubetrail.report;

import java.util.List;
import java.util.Objects;

/**
 * Whether an audit policy meets CIS Kubernetes Benchmark 3.2.1 and 3.2.2, and at which level it
 * logs each change kubetrail replays (the coverage {@code kubetrail policy check} shows).
 *
 * @param policy where the policy came from
 * @param policyWarnings what kube-apiserver would have warned about reading it
 * @param checks 3.2.1, then 3.2.2
 * @param coverage one row per resource and verb replay needs
 */
public record AuditPolicyReport(
    String policy,
    List<String> policyWarnings,
    List<CisCheck> checks,
    List<CoverageRow> coverage,
    Evidence evidence)
    implements Report {

  public AuditPolicyReport {
    Objects.requireNonNull(policy, "policy");
    policyWarnings = List.copyOf(policyWarnings);
    checks = List.copyOf(checks);
    coverage = List.copyOf(coverage);
    Objects.requireNonNull(evidence, "evidence");
  }

  @Override
  public ReportType type() {
    return ReportType.AUDIT_POLICY;
  }

  /**
   * One CIS recommendation.
   *
   * @param id {@code 3.2.1}
   * @param findings each request the policy treats otherwise than the recommendation asks; empty
   *     when it passes
   */
  public record CisCheck(String id, String title, boolean passed, List<String> findings) {
    public CisCheck {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(title, "title");
      findings = List.copyOf(findings);
    }
  }

  /**
   * The lowest level any probed requester gets for one change.
   *
   * @param resource {@code plural[.group]}
   * @param level the level of the ResponseComplete event ({@code None} when not logged)
   * @param rule {@code rules[3]}, or empty when no rule matched
   * @param sufficient whether replay gets the response body (RequestResponse) from everyone
   */
  public record CoverageRow(
      String resource, String verb, String level, String rule, boolean sufficient) {
    public CoverageRow {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(rule, "rule");
    }
  }
}
