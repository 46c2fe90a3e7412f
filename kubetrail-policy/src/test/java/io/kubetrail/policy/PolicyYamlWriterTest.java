package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PolicyYamlWriterTest {

  @Test
  void writesTheKubernetesDocumentationLayout() {
    Policy policy =
        Policy.of(
                PolicyRule.of(Level.None)
                    .withUsers("system:kube-proxy")
                    .withVerbs("watch")
                    .withResources(
                        GroupResources.of("", "endpoints", "services/*")
                            .withResourceNames("kubernetes")),
                PolicyRule.of(Level.Metadata)
                    .withNonResourceURLs("/healthz*", "*")
                    .withOmitStages(Stage.Panic)
                    .withOmitManagedFields(false))
            .withOmitStages(Stage.RequestReceived)
            .withOmitManagedFields(true)
            .withApiVersion(Policy.V1BETA1);

    assertThat(policy.toYaml())
        .isEqualTo(
            """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages:
            - RequestReceived
            omitManagedFields: true
            rules:
            - level: None
              users: ["system:kube-proxy"]
              verbs: ["watch"]
              resources:
              - group: ""
                resources: ["endpoints", "services/*"]
                resourceNames: ["kubernetes"]
            - level: Metadata
              nonResourceURLs: ["/healthz*", "*"]
              omitStages: [Panic]
              omitManagedFields: false
            """);
  }

  /** Strings YAML might misread: indicators, booleans, numbers, escapes, odd characters. */
  @Provide
  Arbitrary<String> awkward() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            "*",
            "on",
            "yes",
            "No",
            "null",
            "~",
            "1",
            "0x1f",
            "1e3",
            "- a",
            "a: b",
            "#x",
            "&anchor",
            "!tag",
            "%",
            "@",
            "`",
            "'",
            "\"",
            "\\",
            " lead",
            "trail ",
            "|",
            ">",
            "[a]",
            "{a}",
            "a,b",
            "\t",
            "\n",
            "\r\n",
            "\u0000",
            "\u0085",
            "\u2028",
            "\ufeff",
            "\u007f",
            "é",
            "日本",
            "\uD83D\uDE00",
            "\uFFFD"),
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('\t', '\n', 'é', '\u2029', '\u0001', '日')
            .ofMaxLength(12));
  }

  @Provide
  Arbitrary<Policy> awkwardPolicies() {
    Arbitrary<List<String>> lists = awkward().list().ofMaxSize(3);
    Arbitrary<String> urls =
        Arbitraries.oneOf(
            Arbitraries.just("*"),
            Arbitraries.strings()
                .withCharRange(' ', '~')
                .withChars('é', '\u0085')
                .ofMaxLength(8)
                .map(s -> "/" + s.replace("*", ""))
                .flatMap(s -> Arbitraries.of(s, s + "*")));
    Arbitrary<GroupResources> groups =
        Combinators.combine(Arbitraries.of("", "*", "apps", "x.example.com"), lists, lists)
            .as((g, res, names) -> new GroupResources(g, res, res.isEmpty() ? List.of() : names));
    Arbitrary<PolicyRule> resourceRules =
        Combinators.combine(
                Arbitraries.of(Level.class),
                lists,
                lists,
                lists,
                groups.list().ofMaxSize(2),
                lists,
                Arbitraries.of(Optional.<Boolean>empty(), Optional.of(true), Optional.of(false)))
            .as(
                (level, users, userGroups, verbs, resources, namespaces, omf) ->
                    new PolicyRule(
                        level.name(),
                        users,
                        userGroups,
                        verbs,
                        resources,
                        namespaces,
                        List.of(),
                        List.of(),
                        omf));
    Arbitrary<PolicyRule> urlRules =
        Combinators.combine(
                Arbitraries.of(Level.class), lists, urls.list().ofMinSize(1).ofMaxSize(3))
            .as(
                (level, users, paths) ->
                    PolicyRule.of(level)
                        .withUsers(users.toArray(String[]::new))
                        .withNonResourceURLs(paths.toArray(String[]::new)));
    return Combinators.combine(
            Arbitraries.oneOf(resourceRules, urlRules).list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.of(Stage.class).set().ofMaxSize(4),
            Arbitraries.of(true, false))
        .as(
            (rules, stages, omf) ->
                new Policy(Policy.V1, stages.stream().map(Stage::name).toList(), omf, rules));
  }

  @Property(tries = 500)
  void anyValidPolicyReadsBackAsWritten(@ForAll("awkwardPolicies") Policy policy)
      throws PolicyException {
    assertThat(PolicyValidator.validate(policy)).isEmpty();

    LoadedPolicy reloaded = PolicyLoader.load(policy.toYaml(), "generated.yaml");

    assertThat(reloaded.warnings()).isEmpty();
    assertThat(reloaded.policy()).isEqualTo(policy);
  }
}
