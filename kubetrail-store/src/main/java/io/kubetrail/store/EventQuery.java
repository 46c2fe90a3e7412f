package io.kubetrail.store;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which stored events to find. Every criterion narrows the result (criteria are ANDed); an empty
 * set or an empty optional matches everything; a set matches any of its values. Build with {@link
 * #builder()}; {@link #all()} matches every event.
 *
 * <p>Times are compared at microsecond precision, kube-apiserver's own ({@code
 * 2006-01-02T15:04:05.000000Z}).
 *
 * @param clusters the clusters the events came from
 * @param since only events with {@code requestReceivedTimestamp} at or after this time
 * @param until only events with {@code requestReceivedTimestamp} before this time
 * @param verbs {@code verb}
 * @param apiGroup {@code objectRef.apiGroup}; empty string for the core group
 * @param resource {@code objectRef.resource}
 * @param subresource {@code objectRef.subresource}
 * @param namespace {@code objectRef.namespace}; empty string for cluster-scoped objects
 * @param namespaces {@code objectRef.namespace} is one of these (an access scope: with {@code
 *     namespace}, both must hold); events without an objectRef never match a non-empty set
 * @param name the enriched {@link StoredEvent#name()} or {@code objectRef.name} (an empty {@code
 *     objectRef.name}, of a list or a create by {@code generateName}, names nothing)
 * @param object only events about this object, as {@link ObjectKey#of} tells (its subresources
 *     included): the newest page of one object's history, however long that history is
 * @param auditID {@code auditID}
 * @param user {@code user.username}
 * @param group one of {@code user.groups}
 * @param impersonatedUser {@code impersonatedUser.username}
 * @param sourceIP one of {@code sourceIPs}
 * @param userAgent {@code userAgent}, exactly
 * @param responseCodes {@code responseStatus.code}; an event without one never matches
 * @param levels {@code level}
 * @param stages {@code stage}
 * @param decision the authorizer's decision annotation ({@code allow}, {@code forbid})
 * @param excludeDryRun drop dry-run requests ({@code dryRun} in the request URI)
 * @param excludeFailures only events with a response code below 400: failed requests, and the early
 *     stages that have no code yet, are dropped
 * @param changesOnly only {@link StoredEvent#isChange() changes}
 * @param order the order of {@link AuditStore#search} results; ignored by count and histogram
 */
public record EventQuery(
    Set<String> clusters,
    Optional<Instant> since,
    Optional<Instant> until,
    Set<String> verbs,
    Optional<String> apiGroup,
    Optional<String> resource,
    Optional<String> subresource,
    Optional<String> namespace,
    Set<String> namespaces,
    Optional<String> name,
    Optional<ObjectKey> object,
    Optional<String> auditID,
    Optional<String> user,
    Optional<String> group,
    Optional<String> impersonatedUser,
    Optional<String> sourceIP,
    Optional<String> userAgent,
    Set<Integer> responseCodes,
    Set<Level> levels,
    Set<Stage> stages,
    Optional<String> decision,
    boolean excludeDryRun,
    boolean excludeFailures,
    boolean changesOnly,
    Order order) {

  private static final EventQuery ALL = builder().build();

  /** The order of search results, by {@code requestReceivedTimestamp}. */
  public enum Order {
    NEWEST_FIRST,
    OLDEST_FIRST
  }

  public EventQuery {
    clusters = Set.copyOf(clusters);
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
    verbs = Set.copyOf(verbs);
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(namespace, "namespace");
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(auditID, "auditID");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(impersonatedUser, "impersonatedUser");
    Objects.requireNonNull(sourceIP, "sourceIP");
    Objects.requireNonNull(userAgent, "userAgent");
    responseCodes = Set.copyOf(responseCodes);
    levels = Set.copyOf(levels);
    stages = Set.copyOf(stages);
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(order, "order");
  }

  /** Matches every event, newest first. */
  public static EventQuery all() {
    return ALL;
  }

  /**
   * The {@link StoredEvent#isChange() changes} of one cluster received before {@code until}: what
   * {@link AuditStore#countChanges} counts.
   */
  public static EventQuery changesBefore(String cluster, Instant until) {
    return builder().clusters(cluster).until(until).changesOnly(true).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.clusters = clusters;
    b.since = since;
    b.until = until;
    b.verbs = verbs;
    b.apiGroup = apiGroup;
    b.resource = resource;
    b.subresource = subresource;
    b.namespace = namespace;
    b.namespaces = namespaces;
    b.name = name;
    b.object = object;
    b.auditID = auditID;
    b.user = user;
    b.group = group;
    b.impersonatedUser = impersonatedUser;
    b.sourceIP = sourceIP;
    b.userAgent = userAgent;
    b.responseCodes = responseCodes;
    b.levels = levels;
    b.stages = stages;
    b.decision = decision;
    b.excludeDryRun = excludeDryRun;
    b.excludeFailures = excludeFailures;
    b.changesOnly = changesOnly;
    b.order = order;
    return b;
  }

  /**
   * True when the query matches this event. This is the definition every store implementation
   * follows; it also filters events that are not in a store.
   */
  public boolean matches(StoredEvent stored) {
    AuditEvent e = stored.event();
    Instant received = e.requestReceivedTimestamp().truncatedTo(ChronoUnit.MICROS);
    Optional<ObjectReference> ref = e.objectRef();
    return (clusters.isEmpty() || clusters.contains(stored.cluster()))
        && since.map(s -> !received.isBefore(s.truncatedTo(ChronoUnit.MICROS))).orElse(true)
        && until.map(u -> received.isBefore(u.truncatedTo(ChronoUnit.MICROS))).orElse(true)
        && (verbs.isEmpty() || verbs.contains(e.verb()))
        && matchesRef(apiGroup, ref, ObjectReference::apiGroup)
        && matchesRef(resource, ref, ObjectReference::resource)
        && matchesRef(subresource, ref, ObjectReference::subresource)
        && matchesRef(namespace, ref, ObjectReference::namespace)
        && (namespaces.isEmpty() || ref.map(r -> namespaces.contains(r.namespace())).orElse(false))
        && name.map(
                n ->
                    n.equals(stored.name())
                        || ref.map(r -> r.name().equals(n) && !n.isEmpty()).orElse(false))
            .orElse(true)
        && object.map(o -> ObjectKey.of(stored).filter(o::equals).isPresent()).orElse(true)
        && auditID.map(e.auditID()::equals).orElse(true)
        && user.map(u -> e.user().map(UserInfo::username).filter(u::equals).isPresent())
            .orElse(true)
        && group.map(g -> e.user().map(UserInfo::groups).orElse(List.of()).contains(g)).orElse(true)
        && impersonatedUser
            .map(u -> e.impersonatedUser().map(UserInfo::username).filter(u::equals).isPresent())
            .orElse(true)
        && sourceIP.map(e.sourceIPs()::contains).orElse(true)
        && userAgent.map(e.userAgent()::equals).orElse(true)
        && (responseCodes.isEmpty()
            || (e.responseCode().isPresent()
                && responseCodes.contains(e.responseCode().getAsInt())))
        && (levels.isEmpty() || levels.contains(e.level()))
        && (stages.isEmpty() || stages.contains(e.stage()))
        && decision.map(d -> e.authorizationDecision().filter(d::equals).isPresent()).orElse(true)
        && !(excludeDryRun && e.dryRun())
        && !(excludeFailures && (e.responseCode().isEmpty() || e.responseCode().getAsInt() >= 400))
        && !(changesOnly && !stored.isChange());
  }

  private static boolean matchesRef(
      Optional<String> wanted,
      Optional<ObjectReference> ref,
      Function<ObjectReference, String> field) {
    return wanted.isEmpty() || ref.map(field).filter(wanted.get()::equals).isPresent();
  }

  /** Builder; every criterion starts unset (matching everything). */
  public static final class Builder {
    private Set<String> clusters = Set.of();
    private Optional<Instant> since = Optional.empty();
    private Optional<Instant> until = Optional.empty();
    private Set<String> verbs = Set.of();
    private Optional<String> apiGroup = Optional.empty();
    private Optional<String> resource = Optional.empty();
    private Optional<String> subresource = Optional.empty();
    private Optional<String> namespace = Optional.empty();
    private Set<String> namespaces = Set.of();
    private Optional<String> name = Optional.empty();
    private Optional<ObjectKey> object = Optional.empty();
    private Optional<String> auditID = Optional.empty();
    private Optional<String> user = Optional.empty();
    private Optional<String> group = Optional.empty();
    private Optional<String> impersonatedUser = Optional.empty();
    private Optional<String> sourceIP = Optional.empty();
    private Optional<String> userAgent = Optional.empty();
    private Set<Integer> responseCodes = Set.of();
    private Set<Level> levels = Set.of();
    private Set<Stage> stages = Set.of();
    private Optional<String> decision = Optional.empty();
    private boolean excludeDryRun;
    private boolean excludeFailures;
    private boolean changesOnly;
    private Order order = Order.NEWEST_FIRST;

    private Builder() {}

    public Builder clusters(Set<String> value) {
      clusters = Set.copyOf(value);
      return this;
    }

    public Builder clusters(String... value) {
      return clusters(Set.copyOf(Arrays.asList(value)));
    }

    public Builder since(Instant value) {
      since = Optional.of(value);
      return this;
    }

    public Builder until(Instant value) {
      until = Optional.of(value);
      return this;
    }

    public Builder verbs(Set<String> value) {
      verbs = Set.copyOf(value);
      return this;
    }

    public Builder verbs(String... value) {
      return verbs(Set.copyOf(Arrays.asList(value)));
    }

    public Builder apiGroup(String value) {
      apiGroup = Optional.of(value);
      return this;
    }

    public Builder resource(String value) {
      resource = Optional.of(value);
      return this;
    }

    public Builder subresource(String value) {
      subresource = Optional.of(value);
      return this;
    }

    public Builder namespace(String value) {
      namespace = Optional.of(value);
      return this;
    }

    public Builder namespaces(Set<String> value) {
      namespaces = Set.copyOf(value);
      return this;
    }

    public Builder name(String value) {
      name = Optional.of(value);
      return this;
    }

    public Builder object(ObjectKey value) {
      object = Optional.of(value);
      return this;
    }

    public Builder auditID(String value) {
      auditID = Optional.of(value);
      return this;
    }

    public Builder user(String value) {
      user = Optional.of(value);
      return this;
    }

    public Builder group(String value) {
      group = Optional.of(value);
      return this;
    }

    public Builder impersonatedUser(String value) {
      impersonatedUser = Optional.of(value);
      return this;
    }

    public Builder sourceIP(String value) {
      sourceIP = Optional.of(value);
      return this;
    }

    public Builder userAgent(String value) {
      userAgent = Optional.of(value);
      return this;
    }

    public Builder responseCodes(Set<Integer> value) {
      responseCodes = Set.copyOf(value);
      return this;
    }

    public Builder responseCodes(Integer... value) {
      return responseCodes(Set.copyOf(Arrays.asList(value)));
    }

    public Builder levels(Set<Level> value) {
      levels = Set.copyOf(value);
      return this;
    }

    public Builder levels(Level... value) {
      return levels(Set.copyOf(Arrays.asList(value)));
    }

    public Builder stages(Set<Stage> value) {
      stages = Set.copyOf(value);
      return this;
    }

    public Builder stages(Stage... value) {
      return stages(Set.copyOf(Arrays.asList(value)));
    }

    public Builder decision(String value) {
      decision = Optional.of(value);
      return this;
    }

    public Builder excludeDryRun(boolean value) {
      excludeDryRun = value;
      return this;
    }

    public Builder excludeFailures(boolean value) {
      excludeFailures = value;
      return this;
    }

    public Builder changesOnly(boolean value) {
      changesOnly = value;
      return this;
    }

    public Builder order(Order value) {
      order = Objects.requireNonNull(value, "order");
      return this;
    }

    public EventQuery build() {
      return new EventQuery(
          clusters,
          since,
          until,
          verbs,
          apiGroup,
          resource,
          subresource,
          namespace,
          namespaces,
          name,
          object,
          auditID,
          user,
          group,
          impersonatedUser,
          sourceIP,
          userAgent,
          responseCodes,
          levels,
          stages,
          decision,
          excludeDryRun,
          excludeFailures,
          changesOnly,
          order);
    }
  }
}
