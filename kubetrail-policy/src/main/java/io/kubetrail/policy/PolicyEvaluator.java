package io.kubetrail.policy;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A compiled policy: decides the level of a request exactly as kube-apiserver's policy checker
 * ({@code k8s.io/apiserver/pkg/audit/policy/checker.go}) does, and rewrites events accordingly.
 * Immutable and thread-safe.
 *
 * <p>The rules, quirks included:
 *
 * <ul>
 *   <li>The first matching rule wins. When none matches, the level is None with the policy's
 *       omitted stages.
 *   <li>A rule's omitted stages are the union of its own and the policy's; its {@code
 *       omitManagedFields}, when set, overrides the policy's.
 *   <li>{@code users} and {@code userGroups} match the authenticated user, never an impersonated
 *       one; a request without a user (failed authentication) matches no rule that names users or
 *       groups.
 *   <li>{@code "*"} in users, user groups, verbs and namespaces is an ordinary string, not a
 *       wildcard. In resources, {@code "*"} matches every resource and subresource, {@code
 *       "pods/*"} matches every subresource of pods <em>and</em> pods itself, {@code "pods"} does
 *       not match {@code pods/log}. {@code group: "*"} matches every group (kube-apiserver 1.36+).
 *   <li>{@code namespaces} compares the request's namespace as is: a Namespace object carries its
 *       own name there, so {@code namespaces: [""]} matches creating a namespace but not updating
 *       one. {@code resourceNames} compares the object name, which is empty for creates.
 *   <li>A rule that names namespaces or resources ignores its non-resource URLs and never matches a
 *       non-resource request. Non-resource URLs match exactly, or by prefix when they end in {@code
 *       *}.
 * </ul>
 *
 * <p>Evaluation allocates nothing: the decisions are built once, when the policy is compiled.
 */
public final class PolicyEvaluator {
  private final Policy policy;
  private final CompiledRule[] rules;
  private final Decision[] decisions;
  private final Decision noMatch;

  private PolicyEvaluator(Policy policy) {
    this.policy = policy;
    Set<Stage> policyStages = stages(policy.omitStages());
    this.rules = new CompiledRule[policy.rules().size()];
    this.decisions = new Decision[rules.length];
    for (int i = 0; i < rules.length; i++) {
      PolicyRule rule = policy.rules().get(i);
      rules[i] = new CompiledRule(rule);
      Set<Stage> union = EnumSet.noneOf(Stage.class);
      union.addAll(policyStages);
      union.addAll(stages(rule.omitStages()));
      decisions[i] =
          new Decision(
              Level.valueOf(rule.level()),
              union,
              rule.omitManagedFields().orElse(policy.omitManagedFields()),
              OptionalInt.of(i));
    }
    this.noMatch =
        new Decision(Level.None, policyStages, policy.omitManagedFields(), OptionalInt.empty());
  }

  /**
   * Compiles a policy.
   *
   * @throws IllegalArgumentException when the policy is not valid ({@link PolicyValidator})
   */
  public static PolicyEvaluator of(Policy policy) {
    List<FieldError> errors = PolicyValidator.validate(policy);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid policy: "
              + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    return new PolicyEvaluator(policy);
  }

  public Policy policy() {
    return policy;
  }

  /** The decision for the request an event records ({@link RequestAttributes#of}). */
  public Decision evaluate(AuditEvent event) {
    UserInfo user = event.user().orElse(null);
    String verb = event.verb();
    Optional<ObjectReference> objectRef = event.objectRef();
    if (objectRef.isPresent()) {
      ObjectReference ref = objectRef.get();
      return resource(
          user,
          verb,
          ref.apiGroup(),
          ref.resource(),
          ref.subresource(),
          ref.namespace(),
          ref.name());
    }
    String uri = event.requestURI();
    int query = uri.indexOf('?');
    return nonResource(user, verb, uri, query < 0 ? uri.length() : query);
  }

  public Decision evaluate(RequestAttributes request) {
    UserInfo user = request.user().orElse(null);
    if (request.resourceRequest()) {
      return resource(
          user,
          request.verb(),
          request.apiGroup(),
          request.resource(),
          request.subresource(),
          request.namespace(),
          request.name());
    }
    return nonResource(user, request.verb(), request.path(), request.path().length());
  }

  private Decision resource(
      UserInfo user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name) {
    CompiledRule[] r = rules;
    for (int i = 0; i < r.length; i++) {
      if (r[i].matchesResource(user, verb, apiGroup, resource, subresource, namespace, name)) {
        return decisions[i];
      }
    }
    return noMatch;
  }

  private Decision nonResource(UserInfo user, String verb, String uri, int pathLength) {
    CompiledRule[] r = rules;
    for (int i = 0; i < r.length; i++) {
      if (r[i].matchesNonResource(user, verb, uri, pathLength)) {
        return decisions[i];
      }
    }
    return noMatch;
  }

  /**
   * The event as kube-apiserver would have written it under this policy, or empty when it would not
   * have been written at all. See {@link #apply(AuditEvent, Decision)}.
   */
  public Optional<AuditEvent> apply(AuditEvent event) {
    return apply(event, evaluate(event));
  }

  /**
   * Rewrites an event under a decision (normally {@code evaluate(event)}):
   *
   * <ul>
   *   <li>empty when the level is None or the event's stage is omitted;
   *   <li>the level becomes the lower of the event's and the decision's: a policy cannot add bodies
   *       the event never had;
   *   <li>{@code requestObject} goes below Request, {@code responseObject} below RequestResponse;
   *   <li>with {@code omitManagedFields}, {@code metadata.managedFields} goes from the bodies, from
   *       each of {@code items} of a list and each {@code rows[].object} of a Table. As in
   *       kube-apiserver, a patch's {@code requestObject} (the patch document as sent) is kept as
   *       is.
   * </ul>
   *
   * Every other field, and the order of fields, is kept; an event that needs no change is returned
   * as is, byte for byte.
   */
  public Optional<AuditEvent> apply(AuditEvent event, Decision decision) {
    if (!decision.logs(event.stage())) {
      return Optional.empty();
    }
    Level level = event.level().compareTo(decision.level()) <= 0 ? event.level() : decision.level();
    return Optional.of(EventRewriter.rewrite(event, level, decision.omitManagedFields()));
  }

  private static Set<Stage> stages(List<String> names) {
    Set<Stage> set = EnumSet.noneOf(Stage.class);
    for (String name : names) {
      set.add(Stage.valueOf(name));
    }
    return set;
  }
}
