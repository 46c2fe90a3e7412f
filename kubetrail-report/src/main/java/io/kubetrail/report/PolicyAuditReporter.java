package io.kubetrail.report;

import io.kubetrail.event.Stage;
import io.kubetrail.history.EventKind;
import io.kubetrail.history.ObjectHistory;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.Revision;
import io.kubetrail.history.netpol.ExposureReport;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import io.kubetrail.report.ComplianceReport.PolicyChange;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code policy-audit} report: every change to a network policy in the interval, with who made
 * it and the diff its object's history gives. With a scope, as Calico does, only changes to
 * policies (Kubernetes' or Calico's) that applied to an in-scope endpoint at some time in the
 * interval are kept.
 */
final class PolicyAuditReporter {
  /** Kubernetes' network policies (either group), and Calico's policy resources. */
  static final List<String> POLICY_RESOURCES =
      List.of(
          "networkpolicies",
          "globalnetworkpolicies",
          "stagednetworkpolicies",
          "stagedglobalnetworkpolicies",
          "stagedkubernetesnetworkpolicies");

  private static final String KUBERNETES_POLICIES = "networking.k8s.io";

  /** Searches go by request time; a write completes well within this of being received. */
  private static final Duration REQUEST_SLACK = Duration.ofHours(1);

  private static final int PAGE = 500;

  private PolicyAuditReporter() {}

  static ComplianceReport report(ReportSource source, ReportSpec spec) throws IOException {
    boolean scoped = !spec.scope().selectsEverything();
    Optional<ExposureReport> exposure = Optional.empty();
    Optional<Set<String>> applied = Optional.empty();
    if (scoped) {
      exposure = Optional.of(EndpointReporter.exposure(source, spec));
      Set<String> names = new HashSet<>();
      exposure.get().endpoints().forEach(e -> names.addAll(e.appliedPolicies()));
      applied = Optional.of(names);
    }
    List<PolicyChange> changes = new ArrayList<>();
    for (ResourceKey key : touchedPolicies(source, spec)) {
      if (applied.isEmpty() || applied.get().contains(appliedId(key))) {
        changes.addAll(changesOf(source, spec, key));
      }
    }
    List<String> warnings = new ArrayList<>();
    changes.sort(Comparator.comparing(PolicyChange::time));
    Evidence evidence;
    if (exposure.isPresent()) {
      evidence = EndpointReporter.evidence(source, exposure.get().evidence(), warnings);
    } else {
      Interval interval = Interval.replay(source, spec.start(), spec.end(), (next, before) -> {});
      warnings.forEach(interval::warn);
      evidence = interval.evidence();
    }
    return new ComplianceReport(
        ReportType.POLICY_AUDIT,
        spec.start(),
        spec.end(),
        spec.scope(),
        exposure.map(ExposureReport::endpoints).orElse(List.of()),
        exposure.map(ExposureReport::namespaces).orElse(List.of()),
        exposure.map(ExposureReport::services).orElse(List.of()),
        summary(changes),
        changes,
        evidence);
  }

  /**
   * How exposure lists a policy among a pod's applied policies: Kubernetes' as {@code
   * namespace/name}, Calico's with their resource. Staged policies never apply.
   */
  private static String appliedId(ResourceKey key) {
    if (key.type().group().equals(KUBERNETES_POLICIES)) {
      return key.namespace() + "/" + key.name();
    }
    String ns = key.namespace().isEmpty() ? "" : key.namespace() + "/";
    return key.type().resource() + ".projectcalico.org/" + ns + key.name();
  }

  /** The policies with a change in the interval, canonical, sorted. */
  private static Set<ResourceKey> touchedPolicies(ReportSource source, ReportSpec spec)
      throws IOException {
    Set<ResourceKey> keys = new TreeSet<>();
    for (String resource : POLICY_RESOURCES) {
      EventQuery q =
          EventQuery.builder()
              .clusters(source.cluster())
              .resource(resource)
              .changesOnly(true)
              .since(spec.start().minus(REQUEST_SLACK))
              .until(Interval.justAfter(spec.end()))
              .order(EventQuery.Order.OLDEST_FIRST)
              .build();
      Optional<PageCursor> after = Optional.empty();
      do {
        SearchPage page = source.store().search(q, PAGE, after);
        for (StoredEvent e : page.events()) {
          if (!inInterval(spec, e)) {
            continue;
          }
          ObjectKey.of(e)
              .map(
                  k ->
                      new ResourceKey(
                              new ResourceType(k.apiGroup(), k.resource()), k.namespace(), k.name())
                          .canonical())
              .ifPresent(keys::add);
        }
        after = page.next();
      } while (after.isPresent());
    }
    return keys;
  }

  private static boolean inInterval(ReportSpec spec, StoredEvent e) {
    return e.event().stageTimestamp().isAfter(spec.start())
        && !e.event().stageTimestamp().isAfter(spec.end());
  }

  /** The policy's revisions in the interval that took effect, each with its stored event. */
  private static List<PolicyChange> changesOf(ReportSource source, ReportSpec spec, ResourceKey key)
      throws IOException {
    List<PolicyChange> out = new ArrayList<>();
    for (Revision r : ObjectHistory.of(source.store(), source.cluster(), key)) {
      if (r.kind() != EventKind.CHANGE
          || !r.time().isAfter(spec.start())
          || r.time().isAfter(spec.end())) {
        continue;
      }
      out.add(
          new PolicyChange(
              r.time(),
              r.verb(),
              r.user(),
              key.type().qualifiedName(),
              key.namespace(),
              key.name(),
              r.diff(),
              storedEvent(source, r.auditID())));
    }
    return out;
  }

  private static String storedEvent(ReportSource source, String auditID) throws IOException {
    EventQuery q =
        EventQuery.builder()
            .clusters(source.cluster())
            .auditID(auditID)
            .stages(Stage.ResponseComplete)
            .build();
    List<StoredEvent> found = source.store().search(q, 1, Optional.empty()).events();
    return found.isEmpty() ? "{}" : found.get(0).toJson();
  }

  /** Calico's counters: create; update and patch; delete. */
  static AuditSummary summary(List<PolicyChange> changes) {
    int create = 0;
    int modify = 0;
    int delete = 0;
    for (PolicyChange c : changes) {
      switch (c.verb()) {
        case "create" -> create++;
        case "update", "patch" -> modify++;
        default -> delete++;
      }
    }
    return new AuditSummary(create + modify + delete, create, modify, delete);
  }
}
