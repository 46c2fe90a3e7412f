package io.kubetrail.report;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of report: Calico's three, and two of kubetrail's own. */
public enum ReportType {
  /** Every pod in scope over the interval, and whether network policies protected it. */
  INVENTORY("inventory", "Inventory"),
  /** As inventory, with how reachable each pod was: from the internet, from other namespaces. */
  NETWORK_ACCESS("network-access", "Network access"),
  /** Every change to network policies in the interval: who, when, what, and the diff. */
  POLICY_AUDIT("policy-audit", "Network policy audit"),
  /** What changed in the cluster between two times: objects created, deleted and modified. */
  CHANGES("changes", "Cluster changes"),
  /** Whether an audit policy satisfies CIS 3.2.1 and 3.2.2, and what it logs of the changes. */
  AUDIT_POLICY("audit-policy", "Audit policy");

  private final String id;
  private final String title;

  ReportType(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** The name on the command line and in {@code reportType}: {@code network-access}. */
  public String id() {
    return id;
  }

  /** A heading for people: {@code Network access}. */
  public String title() {
    return title;
  }

  /** Every id, comma separated, for messages. */
  public static String ids() {
    return Arrays.stream(values()).map(ReportType::id).collect(Collectors.joining(", "));
  }

  public static Optional<ReportType> byId(String id) {
    Objects.requireNonNull(id, "id");
    return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
  }

  /** Whether the report is about a time interval (all but {@link #AUDIT_POLICY}). */
  public boolean needsInterval() {
    return this != AUDIT_POLICY;
  }
}
