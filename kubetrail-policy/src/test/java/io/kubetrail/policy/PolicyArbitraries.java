package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random valid policies and random requests over small shared vocabularies, so that rules and
 * requests meet often, including in the corners ("*", empty strings, subresources, prefixes).
 */
final class PolicyArbitraries {
  static final List<String> USERS = List.of("alice", "bob", "system:admin", "*", "");
  static final List<String> GROUPS = List.of("dev", "ops", "system:authenticated", "*");
  static final List<String> VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete", "*");
  static final List<String> NAMESPACES = List.of("", "default", "kube-system", "team-a", "*");
  static final List<String> API_GROUPS = List.of("", "apps", "rbac.authorization.k8s.io", "*");
  static final List<String> RESOURCE_SPECS =
      List.of(
          "pods",
          "pods/log",
          "pods/status",
          "pods/*",
          "*/log",
          "*/status",
          "*",
          "*/*",
          "deployments",
          "deployments/scale",
          "secrets",
          "namespaces",
          "a/b/c",
          "a/b",
          "/*",
          "*/",
          "pods/");
  static final List<String> RESOURCES =
      List.of("pods", "deployments", "secrets", "namespaces", "*", "a", "a/b", "");
  static final List<String> SUBRESOURCES = List.of("", "", "log", "status", "scale", "*", "b/c");
  static final List<String> NAMES = List.of("", "web", "team-a", "leader");
  static final List<String> URL_SPECS =
      List.of("/healthz", "/healthz*", "/api*", "/version", "*", "/logs/*", "/", "/apis", "/api/*");
  static final List<String> PATHS =
      List.of(
          "/healthz",
          "/healthz/etcd",
          "/api",
          "/apis/apps",
          "/version",
          "/logs/x",
          "",
          "/",
          "/metrics",
          "/apis");

  private PolicyArbitraries() {}

  static Arbitrary<List<String>> someOf(List<String> values, int max) {
    return Arbitraries.of(values).list().ofMaxSize(max);
  }

  /** Half the time no restriction at all, so that rules match often enough to be tested. */
  static Arbitrary<List<String>> maybe(List<String> values, int max) {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(List.<String>of())),
        Tuple.of(1, Arbitraries.of(values).list().ofMinSize(1).ofMaxSize(max)));
  }

  static Arbitrary<List<String>> stageNames() {
    return Arbitraries.of(Stage.class)
        .set()
        .ofMaxSize(2)
        .map(s -> s.stream().map(Stage::name).toList());
  }

  static Arbitrary<GroupResources> groupResources() {
    return Combinators.combine(
            Arbitraries.of(API_GROUPS), someOf(RESOURCE_SPECS, 3), someOf(NAMES, 2))
        // resourceNames need resources to be valid.
        .as((g, res, names) -> new GroupResources(g, res, res.isEmpty() ? List.of() : names));
  }

  static Arbitrary<PolicyRule> rules() {
    Arbitrary<PolicyRule> subject =
        Combinators.combine(
                Arbitraries.of(Level.class),
                maybe(USERS, 2),
                maybe(GROUPS, 2),
                maybe(VERBS, 3),
                stageNames(),
                Arbitraries.of(Optional.<Boolean>empty(), Optional.of(true), Optional.of(false)))
            .as(
                (level, users, groups, verbs, stages, omf) ->
                    new PolicyRule(
                        level.name(),
                        users,
                        groups,
                        verbs,
                        List.of(),
                        List.of(),
                        List.of(),
                        stages,
                        omf));
    Arbitrary<List<GroupResources>> resources = groupResources().list().ofMaxSize(3);
    return Combinators.combine(
            subject,
            Arbitraries.integers().between(0, 2),
            resources,
            maybe(NAMESPACES, 2),
            someOf(URL_SPECS, 3))
        .as(
            (r, kind, res, ns, urls) ->
                switch (kind) {
                  // Resource rules (and catch-alls when both lists come out empty).
                  case 0 ->
                      new PolicyRule(
                          r.level(),
                          r.users(),
                          r.userGroups(),
                          r.verbs(),
                          res,
                          ns,
                          List.of(),
                          r.omitStages(),
                          r.omitManagedFields());
                  case 1 -> r.withNonResourceURLs(urls.toArray(String[]::new));
                  default -> r;
                });
  }

  static Arbitrary<Policy> policies() {
    return Combinators.combine(
            rules().list().ofMaxSize(6), stageNames(), Arbitraries.of(true, false))
        .as((rules, stages, omf) -> new Policy(Policy.V1, stages, omf, rules));
  }

  static Arbitrary<Optional<UserInfo>> users() {
    Arbitrary<Optional<UserInfo>> some =
        Combinators.combine(Arbitraries.of(USERS), someOf(GROUPS, 3))
            .as((name, groups) -> Optional.of(UserInfo.of(name, groups.toArray(String[]::new))));
    return Arbitraries.frequencyOf(
        Tuple.of(8, some), Tuple.of(1, Arbitraries.just(Optional.empty())));
  }

  static Arbitrary<RequestAttributes> requests() {
    Arbitrary<RequestAttributes> resource =
        Combinators.combine(
                users(),
                Arbitraries.of(VERBS),
                Arbitraries.of(API_GROUPS),
                Arbitraries.of(RESOURCES),
                Arbitraries.of(SUBRESOURCES),
                Arbitraries.of(NAMESPACES),
                Arbitraries.of(NAMES))
            .as(RequestAttributes::resource);
    Arbitrary<RequestAttributes> nonResource =
        Combinators.combine(users(), Arbitraries.of(VERBS), Arbitraries.of(PATHS))
            .as(RequestAttributes::nonResource);
    return Arbitraries.oneOf(resource, nonResource);
  }

  static List<String> list(String... values) {
    return Arrays.asList(values);
  }
}
