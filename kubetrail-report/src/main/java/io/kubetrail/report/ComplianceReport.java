package io.kubetrail.report;

import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.history.netpol.ServiceExposure;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A report in the shape of Calico's {@code ReportData}: the {@code inventory}, {@code
 * network-access} and {@code policy-audit} reports. Each fills the sections it is about and leaves
 * the others empty.
 *
 * @param endpoints every pod in scope at some time in the interval, by {@code namespace/name}:
 *     protected only when protected throughout, exposed when exposed at any time
 * @param namespaces the namespaces of those pods: protected when every pod of it in scope is,
 *     exposed when any is
 * @param services the services of those pods, folded the same way
 * @param auditSummary {@code policy-audit}: how many policy changes of each kind
 * @param auditEvents {@code policy-audit}: each change to a network policy, oldest first
 */
public record ComplianceReport(
    ReportType type,
    Instant start,
    Instant end,
    EndpointScope scope,
    List<EndpointExposure> endpoints,
    List<NamespaceExposure> namespaces,
    List<ServiceExposure> services,
    AuditSummary auditSummary,
    List<PolicyChange> auditEvents,
    Evidence evidence)
    implements Report {

  public ComplianceReport {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(scope, "scope");
    endpoints = List.copyOf(endpoints);
    namespaces = List.copyOf(namespaces);
    services = List.copyOf(services);
    Objects.requireNonNull(auditSummary, "auditSummary");
    auditEvents = List.copyOf(auditEvents);
    Objects.requireNonNull(evidence, "evidence");
    if (type != ReportType.INVENTORY
        && type != ReportType.NETWORK_ACCESS
        && type != ReportType.POLICY_AUDIT) {
      throw new IllegalArgumentException(type.id() + " is not a report of endpoint data");
    }
  }

  /** Calico's {@code auditSummary}: creates, updates and patches, deletes. */
  public record AuditSummary(int numTotal, int numCreate, int numModify, int numDelete) {
    public static final AuditSummary EMPTY = new AuditSummary(0, 0, 0, 0);
  }

  /**
   * One change to a network policy.
   *
   * @param resource {@code plural[.group]}, canonical
   * @param user who made it (the authenticated user)
   * @param diff YAML diff from the policy before to after
   * @param event the audit event as stored (with {@code cluster}, {@code name} and {@code
   *     generated_time}), JSON
   */
  public record PolicyChange(
      Instant time,
      String verb,
      String user,
      String resource,
      String namespace,
      String name,
      String diff,
      String event) {
    public PolicyChange {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(diff, "diff");
      Objects.requireNonNull(event, "event");
    }
  }
}
