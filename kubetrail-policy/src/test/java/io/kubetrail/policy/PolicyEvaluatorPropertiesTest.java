package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The compiled evaluator against the plain reference checker, on random policies and requests. */
class PolicyEvaluatorPropertiesTest {

  @Provide
  Arbitrary<Policy> policies() {
    return PolicyArbitraries.policies();
  }

  @Provide
  Arbitrary<List<RequestAttributes>> requests() {
    return PolicyArbitraries.requests().list().ofSize(20);
  }

  @Property(tries = 2000)
  void evaluationEqualsTheReference(
      @ForAll("policies") Policy policy, @ForAll("requests") List<RequestAttributes> requests) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(policy);

    for (RequestAttributes request : requests) {
      Decision decision = evaluator.evaluate(request);
      ReferenceChecker.Result expected = ReferenceChecker.evaluate(policy, request);

      assertThat(decision.level()).as("%s", request).isEqualTo(expected.level());
      assertThat(decision.omitStages()).as("%s", request).isEqualTo(expected.omitStages());
      assertThat(decision.omitManagedFields())
          .as("%s", request)
          .isEqualTo(expected.omitManagedFields());
      assertThat(decision.ruleIndex()).as("%s", request).isEqualTo(expected.rule());
      Statistics.label("outcome").collect(decision.ruleIndex().isPresent() ? "rule" : "none");
    }
    // Guard against vocabularies that never meet: both outcomes must be common.
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("rule").percentage(p -> p > 15);
              coverage.check("none").percentage(p -> p > 15);
            });
  }

  @Provide
  Arbitrary<String> queries() {
    return Arbitraries.of("", "?watch=true", "?timeout=32s&verbose", "?", "?x=/healthz*");
  }

  @Property(tries = 500)
  void anEventIsEvaluatedAsTheRequestItRecords(
      @ForAll("policies") Policy policy,
      @ForAll("requests") List<RequestAttributes> requests,
      @ForAll("queries") String query) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(policy);

    for (RequestAttributes request : requests) {
      TestEvents.Spec spec =
          TestEvents.event().verb(request.verb()).user(request.user().orElse(null));
      if (request.resourceRequest()) {
        spec.ref(
            new ObjectReference(
                request.resource(),
                request.namespace(),
                request.name(),
                "",
                request.apiGroup(),
                "v1",
                "",
                request.subresource()));
      } else {
        spec.nonResource(request.path() + query);
      }
      AuditEvent event = spec.build();

      assertThat(evaluator.evaluate(event)).isSameAs(evaluator.evaluate(request));
      assertThat(RequestAttributes.of(event)).isEqualTo(request);
    }
  }
}
