package io.kubetrail.report;

import io.kubetrail.policy.LoadedPolicy;
import java.io.IOException;
import java.util.Objects;

/** Makes reports. */
public final class Reports {
  private Reports() {}

  /**
   * Makes the report a spec asks for from one cluster's history.
   *
   * @throws ReportException when the stored history holds data the report cannot use (names it)
   */
  public static Report generate(ReportSource source, ReportSpec spec) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(spec, "spec");
    return switch (spec.type()) {
      case CHANGES -> ChangesReporter.report(source, spec);
      case INVENTORY, NETWORK_ACCESS -> EndpointReporter.report(source, spec);
      case POLICY_AUDIT -> PolicyAuditReporter.report(source, spec);
      case AUDIT_POLICY -> auditPolicy(spec.auditPolicy().orElseThrow());
    };
  }

  /** The {@code audit-policy} report, which reads no history. */
  public static AuditPolicyReport auditPolicy(LoadedPolicy policy) {
    return AuditPolicyReporter.report(Objects.requireNonNull(policy, "policy"));
  }
}
