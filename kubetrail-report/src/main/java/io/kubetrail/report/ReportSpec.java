package io.kubetrail.report;

import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.policy.LoadedPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What report to make: its type, interval and scope, the filters of the {@code changes} report, and
 * the policy of the {@code audit-policy} report.
 *
 * @param start the interval's start (exclusive: the state at start is the state before it)
 * @param end the interval's end (inclusive)
 * @param scope the endpoints in scope; its namespaces also filter the {@code changes} report
 * @param resource {@code changes} only: objects of this resource; a plural alone matches it in
 *     every API group
 * @param user {@code changes} only: objects this user wrote in the interval
 * @param auditPolicy {@code audit-policy}: the policy to check; the other types: the policy in
 *     force, whose gaps the evidence warns of
 */
public record ReportSpec(
    ReportType type,
    Instant start,
    Instant end,
    EndpointScope scope,
    Optional<ResourceType> resource,
    Optional<String> user,
    Optional<LoadedPolicy> auditPolicy) {

  public ReportSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(auditPolicy, "auditPolicy");
    if (type.needsInterval() && !start.isBefore(end)) {
      throw new IllegalArgumentException(
          "the start (" + start + ") must be before the end (" + end + ")");
    }
    if (type == ReportType.AUDIT_POLICY && auditPolicy.isEmpty()) {
      throw new IllegalArgumentException("the audit-policy report needs a policy");
    }
  }

  /** The {@code audit-policy} report of a policy: it has no interval. */
  public static ReportSpec auditPolicy(LoadedPolicy policy) {
    return new ReportSpec(
        ReportType.AUDIT_POLICY,
        Instant.EPOCH,
        Instant.EPOCH,
        EndpointScope.everything(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(policy));
  }

  /**
   * A report of one type over an interval, everything in scope, no filters.
   *
   * @throws IllegalArgumentException for {@code audit-policy}, which needs {@link #auditPolicy}
   */
  public static ReportSpec of(ReportType type, Instant start, Instant end) {
    return new ReportSpec(
        type,
        start,
        end,
        EndpointScope.everything(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public ReportSpec withScope(EndpointScope value) {
    return new ReportSpec(type, start, end, value, resource, user, auditPolicy);
  }

  public ReportSpec withResource(ResourceType value) {
    return new ReportSpec(type, start, end, scope, Optional.of(value), user, auditPolicy);
  }

  public ReportSpec withUser(String value) {
    return new ReportSpec(type, start, end, scope, resource, Optional.of(value), auditPolicy);
  }

  public ReportSpec withAuditPolicy(LoadedPolicy value) {
    return new ReportSpec(type, start, end, scope, resource, user, Optional.of(value));
  }
}
