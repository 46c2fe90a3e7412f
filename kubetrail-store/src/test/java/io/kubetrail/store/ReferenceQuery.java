package io.kubetrail.store;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import java.time.Instant;
import java.util.Optional;

/**
 * Which events an {@link EventQuery} selects, written from its javadoc alone, independently of
 * {@link EventQuery#matches}: the contract tests compare stores against this, so that a bug in
 * {@code matches} cannot hide the same bug in a store's queries. Deliberately plain: one check per
 * criterion, each returning early.
 */
public final class ReferenceQuery {
  private static final String DECISION_ANNOTATION = "authorization.k8s.io/decision";

  private ReferenceQuery() {}

  /** True when every criterion of {@code q} holds for {@code stored}. */
  public static boolean selects(EventQuery q, StoredEvent stored) {
    AuditEvent e = stored.event();
    if (!q.clusters().isEmpty() && !q.clusters().contains(stored.cluster())) {
      return false;
    }
    // Microsecond precision, kube-apiserver's own: since inclusive, until exclusive.
    long received = micros(e.requestReceivedTimestamp());
    if (q.since().isPresent() && received < micros(q.since().get())) {
      return false;
    }
    if (q.until().isPresent() && received >= micros(q.until().get())) {
      return false;
    }
    if (!q.verbs().isEmpty() && !q.verbs().contains(e.verb())) {
      return false;
    }
    ObjectReference ref = e.objectRef().orElse(null);
    if (!refField(q.apiGroup(), ref == null ? null : ref.apiGroup())
        || !refField(q.resource(), ref == null ? null : ref.resource())
        || !refField(q.subresource(), ref == null ? null : ref.subresource())
        || !refField(q.namespace(), ref == null ? null : ref.namespace())) {
      return false;
    }
    if (!q.namespaces().isEmpty() && (ref == null || !q.namespaces().contains(ref.namespace()))) {
      return false;
    }
    if (q.name().isPresent()) {
      String wanted = q.name().get();
      boolean enriched = stored.name().equals(wanted);
      // An empty objectRef.name is no name (a list, a create by generateName).
      boolean referenced = ref != null && !ref.name().isEmpty() && ref.name().equals(wanted);
      if (!enriched && !referenced) {
        return false;
      }
    }
    if (q.object().isPresent() && !ObjectKey.of(stored).equals(q.object())) {
      return false;
    }
    if (q.auditID().isPresent() && !q.auditID().get().equals(e.auditID())) {
      return false;
    }
    if (q.user().isPresent() && !username(e.user()).equals(q.user())) {
      return false;
    }
    if (q.group().isPresent()
        && (e.user().isEmpty() || !e.user().get().groups().contains(q.group().get()))) {
      return false;
    }
    if (q.impersonatedUser().isPresent()
        && !username(e.impersonatedUser()).equals(q.impersonatedUser())) {
      return false;
    }
    if (q.sourceIP().isPresent() && !e.sourceIPs().contains(q.sourceIP().get())) {
      return false;
    }
    if (q.userAgent().isPresent() && !q.userAgent().get().equals(e.userAgent())) {
      return false;
    }
    if (!q.responseCodes().isEmpty()
        && (e.responseCode().isEmpty()
            || !q.responseCodes().contains(e.responseCode().getAsInt()))) {
      return false;
    }
    if (!q.levels().isEmpty() && !q.levels().contains(e.level())) {
      return false;
    }
    if (!q.stages().isEmpty() && !q.stages().contains(e.stage())) {
      return false;
    }
    if (q.decision().isPresent()
        && !q.decision().get().equals(e.annotations().get(DECISION_ANNOTATION))) {
      return false;
    }
    if (q.excludeDryRun() && hasDryRunParameter(e.requestURI())) {
      return false;
    }
    if (q.excludeFailures()
        && !(e.responseCode().isPresent() && e.responseCode().getAsInt() < 400)) {
      return false;
    }
    return !q.changesOnly() || stored.isChange();
  }

  private static boolean refField(Optional<String> wanted, String actual) {
    return wanted.isEmpty() || (actual != null && actual.equals(wanted.get()));
  }

  private static Optional<String> username(Optional<UserInfo> user) {
    return user.map(UserInfo::username);
  }

  /** Microseconds since the epoch, rounded down (also before 1970). */
  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static boolean hasDryRunParameter(String uri) {
    int query = uri.indexOf('?');
    if (query < 0) {
      return false;
    }
    for (String parameter : uri.substring(query + 1).split("&", -1)) {
      if (parameter.equals("dryRun") || parameter.startsWith("dryRun=")) {
        return true;
      }
    }
    return false;
  }
}
