package io.kubetrail.report;

import io.kubetrail.history.netpol.NetworkAccess;
import io.kubetrail.policy.LoadedPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Makes reports. */
public final class Reports {
  private Reports() {}

  /**
   * Makes the report a spec asks for from one cluster's history. With the audit policy in force
   * given ({@link ReportSpec#withAuditPolicy}), a report over an interval warns of the changes it
   * needs that the policy logs without their bodies.
   *
   * @throws ReportException when the stored history holds data the report cannot use (names it)
   */
  public static Report generate(ReportSource source, ReportSpec spec) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(spec, "spec");
    Report r =
        switch (spec.type()) {
          case CHANGES -> ChangesReporter.report(source, spec);
          case INVENTORY, NETWORK_ACCESS -> EndpointReporter.report(source, spec);
          case POLICY_AUDIT -> PolicyAuditReporter.report(source, spec);
          case AUDIT_POLICY -> auditPolicy(spec.auditPolicy().orElseThrow());
        };
    if (spec.type().needsInterval() && spec.auditPolicy().isPresent()) {
      r = withWarnings(r, coverageWarnings(spec, spec.auditPolicy().get()));
    }
    return r;
  }

  /**
   * What the audit policy in force does not log that a report of this type needs: the changes it
   * logs below RequestResponse (no body to replay) among those the report reads.
   */
  static List<String> coverageWarnings(ReportSpec spec, LoadedPolicy policy) {
    Set<String> needed =
        switch (spec.type()) {
          case INVENTORY, NETWORK_ACCESS -> NetworkAccess.resourcesRead(spec.scope());
          case POLICY_AUDIT -> Set.of("networkpolicies", "globalnetworkpolicies");
          default -> Set.of();
        };
    List<String> out = new ArrayList<>();
    for (AuditPolicyReport.CoverageRow row : auditPolicy(policy).coverage()) {
      String plural = row.resource().split("\\.", 2)[0];
      if (!row.sufficient() && (needed.isEmpty() || needed.contains(plural))) {
        out.add(
            "the audit policy in force ("
                + policy.source()
                + ") logs "
                + row.verb()
                + " of "
                + row.resource()
                + " at "
                + row.level()
                + " for some requesters: this report cannot see those changes' bodies");
      }
    }
    return out;
  }

  /** The report with more warnings in its evidence. */
  static Report withWarnings(Report r, List<String> more) {
    if (more.isEmpty()) {
      return r;
    }
    List<String> w = new ArrayList<>(r.evidence().warnings());
    more.stream().filter(x -> !w.contains(x)).forEach(w::add);
    Evidence e = new Evidence(r.evidence().eventsReplayed(), r.evidence().startedFrom(), w);
    if (r instanceof ComplianceReport c) {
      return new ComplianceReport(
          c.type(),
          c.start(),
          c.end(),
          c.scope(),
          c.endpoints(),
          c.namespaces(),
          c.services(),
          c.auditSummary(),
          c.auditEvents(),
          e);
    } else if (r instanceof ChangesReport c) {
      return new ChangesReport(c.start(), c.end(), c.objects(), e);
    }
    return r;
  }

  /** The {@code audit-policy} report, which reads no history. */
  public static AuditPolicyReport auditPolicy(LoadedPolicy policy) {
    return AuditPolicyReporter.report(Objects.requireNonNull(policy, "policy"));
  }
}
