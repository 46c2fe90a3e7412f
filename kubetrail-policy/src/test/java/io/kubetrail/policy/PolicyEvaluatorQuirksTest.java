package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per behaviour of kube-apiserver's checker that a reader might not expect (reference
 * §1.2–1.3). Each policy is a single rule at Request, so a match reads Request and a miss None.
 */
class PolicyEvaluatorQuirksTest {
  private static final Optional<UserInfo> ALICE =
      Optional.of(UserInfo.of("alice", "dev", "system:authenticated"));

  record Case(String name, PolicyRule rule, RequestAttributes request, boolean matches) {
    @Override
    public String toString() {
      return name;
    }
  }

  static RequestAttributes res(
      String verb, String group, String resource, String sub, String ns, String name) {
    return RequestAttributes.resource(ALICE, verb, group, resource, sub, ns, name);
  }

  static RequestAttributes path(String path) {
    return RequestAttributes.nonResource(ALICE, "get", path);
  }

  static PolicyRule rule() {
    return PolicyRule.of(Level.Request);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "pods does not match pods/log",
            rule().withResources(GroupResources.of("", "pods")),
            res("get", "", "pods", "log", "default", "p"),
            false),
        new Case(
            "pods/* matches pods/log",
            rule().withResources(GroupResources.of("", "pods/*")),
            res("get", "", "pods", "log", "default", "p"),
            true),
        new Case(
            "pods/* also matches plain pods (the code never checks for a subresource)",
            rule().withResources(GroupResources.of("", "pods/*")),
            res("get", "", "pods", "", "default", "p"),
            true),
        new Case(
            "* matches a resource",
            rule().withResources(GroupResources.of("", "*")),
            res("get", "", "secrets", "", "default", "s"),
            true),
        new Case(
            "* matches a subresource too",
            rule().withResources(GroupResources.of("", "*")),
            res("get", "", "pods", "exec", "default", "p"),
            true),
        new Case(
            "*/status matches any resource's status",
            rule().withResources(GroupResources.of("apps", "*/status")),
            res("update", "apps", "deployments", "status", "default", "d"),
            true),
        new Case(
            "*/status does not match the resource itself",
            rule().withResources(GroupResources.of("apps", "*/status")),
            res("update", "apps", "deployments", "", "default", "d"),
            false),
        new Case(
            "*/* matches nothing real",
            rule().withResources(GroupResources.of("", "*/*")),
            res("get", "", "pods", "log", "default", "p"),
            false),
        new Case(
            "an empty resource list matches the whole group",
            rule().withResources(GroupResources.of("apps")),
            res("delete", "apps", "deployments", "scale", "default", "d"),
            true),
        new Case(
            "the group is compared exactly: core is not apps",
            rule().withResources(GroupResources.of("", "deployments")),
            res("get", "apps", "deployments", "", "default", "d"),
            false),
        new Case(
            "group * matches every group (kube-apiserver 1.36+)",
            rule().withResources(GroupResources.of("*", "*/status")),
            res("patch", "apps", "deployments", "status", "default", "d"),
            true),
        new Case(
            "group * matches the core group",
            rule().withResources(GroupResources.of("*", "pods")),
            res("patch", "", "pods", "", "default", "p"),
            true),
        new Case(
            "* in users is literal",
            rule().withUsers("*"),
            res("get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "* in users matches a user named *",
            rule().withUsers("*"),
            RequestAttributes.resource(
                Optional.of(UserInfo.of("*")), "get", "", "pods", "", "default", "p"),
            true),
        new Case(
            "* in user groups is literal",
            rule().withUserGroups("*"),
            res("get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "* in verbs is literal",
            rule().withVerbs("*"),
            res("get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "* in namespaces is literal",
            rule().withNamespaces("*"),
            res("get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "namespaces [\"\"] matches cluster-scoped resources",
            rule().withNamespaces(""),
            res("get", "", "nodes", "", "", "n1"),
            true),
        new Case(
            "namespaces [\"\"] matches creating a namespace (POST /api/v1/namespaces)",
            rule().withNamespaces("").withResources(GroupResources.of("", "namespaces")),
            res("create", "", "namespaces", "", "", ""),
            true),
        new Case(
            "namespaces [\"\"] does not match updating a namespace: it is its own namespace",
            rule().withNamespaces("").withResources(GroupResources.of("", "namespaces")),
            res("update", "", "namespaces", "", "team-a", "team-a"),
            false),
        new Case(
            "a namespace object matches a rule naming it as a namespace",
            rule().withNamespaces("team-a"),
            res("delete", "", "namespaces", "", "team-a", "team-a"),
            true),
        new Case(
            "resourceNames never match a create (no name yet)",
            rule().withResources(GroupResources.of("", "configmaps").withResourceNames("leader")),
            res("create", "", "configmaps", "", "kube-system", ""),
            false),
        new Case(
            "resourceNames match the object name",
            rule().withResources(GroupResources.of("", "configmaps").withResourceNames("leader")),
            res("update", "", "configmaps", "", "kube-system", "leader"),
            true),
        new Case(
            "resourceNames apply to every resource of the entry",
            rule()
                .withResources(
                    GroupResources.of("", "configmaps", "*").withResourceNames("leader")),
            res("get", "", "secrets", "", "kube-system", "other"),
            false),
        new Case(
            "a rule with namespaces never matches a non-resource request",
            rule().withNamespaces("default"),
            path("/healthz"),
            false),
        new Case(
            "a rule with resources never matches a non-resource request",
            rule().withResources(GroupResources.of("", "*")),
            path("/healthz"),
            false),
        new Case(
            "a rule with non-resource URLs never matches a resource request",
            rule().withNonResourceURLs("*"),
            res("get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "non-resource * matches every path",
            rule().withNonResourceURLs("*"),
            path("/openapi/v3"),
            true),
        new Case(
            "a non-resource URL matches exactly",
            rule().withNonResourceURLs("/version"),
            path("/version/"),
            false),
        new Case(
            "a trailing * is a plain prefix: /api* matches /apis/apps",
            rule().withNonResourceURLs("/api*"),
            path("/apis/apps/v1"),
            true),
        new Case(
            "/healthz* matches /healthz itself",
            rule().withNonResourceURLs("/healthz*"),
            path("/healthz"),
            true),
        new Case(
            "a request without a user matches no users rule",
            rule().withUsers("system:anonymous"),
            RequestAttributes.resource(Optional.empty(), "get", "", "pods", "", "default", "p"),
            false),
        new Case(
            "a request without a user matches no userGroups rule",
            rule().withUserGroups("system:unauthenticated"),
            RequestAttributes.nonResource(Optional.empty(), "get", "/healthz"),
            false),
        new Case(
            "a request without a user matches a catch-all",
            rule(),
            RequestAttributes.nonResource(Optional.empty(), "get", "/healthz"),
            true),
        new Case(
            "user groups match when any group of the user is listed",
            rule().withUserGroups("ops", "dev"),
            res("get", "", "pods", "", "default", "p"),
            true),
        new Case(
            "everything listed must hold: users and verbs",
            rule().withUsers("alice").withVerbs("delete"),
            res("get", "", "pods", "", "default", "p"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quirk(Case c) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(Policy.of(c.rule()));

    Level level = evaluator.evaluate(c.request()).level();

    assertThat(level).isEqualTo(c.matches() ? Level.Request : Level.None);
  }

  record EventCase(String name, PolicyRule rule, AuditEvent event, boolean matches) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<EventCase> eventCases() {
    UserInfo admin = UserInfo.of("system:admin", "system:masters");
    UserInfo alice = UserInfo.of("alice", "dev");
    return Stream.of(
        new EventCase(
            "users match the authenticated user, not the impersonated one",
            rule().withUsers("alice"),
            TestEvents.event().user(admin).impersonating(alice).build(),
            false),
        new EventCase(
            "the authenticated user of an impersonated request matches",
            rule().withUsers("system:admin"),
            TestEvents.event().user(admin).impersonating(alice).build(),
            true),
        new EventCase(
            "user groups of the impersonated user do not count",
            rule().withUserGroups("dev"),
            TestEvents.event().user(admin).impersonating(alice).build(),
            false),
        new EventCase(
            "an event without a user matches no users rule",
            rule().withUsers("system:anonymous"),
            TestEvents.event().user(null).build(),
            false),
        new EventCase(
            "the path of a non-resource event is its request URI without the query",
            rule().withNonResourceURLs("/readyz"),
            TestEvents.event().nonResource("/readyz?verbose=1").build(),
            true),
        new EventCase(
            "a query string does not extend the path for prefix rules either",
            rule().withNonResourceURLs("/readyz/*"),
            TestEvents.event().nonResource("/readyz?exclude=etcd/x").build(),
            false),
        new EventCase(
            "an event with objectRef is a resource request",
            rule().withResources(GroupResources.of("", "namespaces")),
            TestEvents.event()
                .verb("delete")
                .ref(ObjectReference.of("", "namespaces", "team-a", "team-a"))
                .build(),
            true),
        new EventCase(
            "a namespace event carries its own name as namespace",
            rule().withNamespaces(""),
            TestEvents.event()
                .verb("delete")
                .ref(ObjectReference.of("", "namespaces", "team-a", "team-a"))
                .build(),
            false),
        new EventCase(
            "the subresource of an event is part of the resource",
            rule().withResources(GroupResources.of("", "pods/exec")),
            TestEvents.event()
                .verb("create")
                .ref(new ObjectReference("pods", "default", "web", "", "", "v1", "", "exec"))
                .build(),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventCases")
  void eventQuirk(EventCase c) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(Policy.of(c.rule()));

    Decision decision = evaluator.evaluate(c.event());

    assertThat(decision.level()).isEqualTo(c.matches() ? Level.Request : Level.None);
    assertThat(decision).isSameAs(evaluator.evaluate(RequestAttributes.of(c.event())));
  }
}
