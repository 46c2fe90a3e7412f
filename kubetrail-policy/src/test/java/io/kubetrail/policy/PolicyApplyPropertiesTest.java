package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What applying a policy may and may not do to an event, on random events and policies. */
class PolicyApplyPropertiesTest {
  private static final String POD =
      "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"managedFields\":[{\"manager\":\"m\"}],"
          + "\"uid\":\"1\"},\"spec\":{\"n\":1.25}}";
  private static final String BARE = "{\"kind\":\"Status\",\"status\":\"Success\",\"code\":200}";
  private static final String LIST = "{\"kind\":\"PodList\",\"items\":[" + POD + "," + BARE + "]}";
  private static final String TABLE =
      "{\"kind\":\"Table\",\"rows\":[{\"cells\":[1],\"object\":" + POD + "}]}";
  private static final String PATCH = "[{\"op\":\"add\",\"path\":\"/metadata/managedFields\"}]";

  @Provide
  Arbitrary<AuditEvent> events() {
    Arbitrary<String> bodies = Arbitraries.of("", POD, BARE, LIST, TABLE, PATCH);
    return Combinators.combine(
            Arbitraries.of(Level.class).filter(l -> l != Level.None),
            Arbitraries.of(Stage.class),
            Arbitraries.of("get", "create", "update", "patch", "delete", "list"),
            PolicyArbitraries.requests(),
            bodies,
            bodies)
        .as(
            (level, stage, verb, request, requestBody, responseBody) -> {
              TestEvents.Spec spec =
                  TestEvents.event()
                      .level(level)
                      .stage(stage)
                      .verb(verb)
                      .user(request.user().orElse(null));
              if (!request.resourceRequest()) {
                spec.nonResource(request.path());
              }
              // Bodies only where the event's own level allows them, as kube-apiserver writes.
              if (level.atLeast(Level.Request) && !requestBody.isEmpty()) {
                spec.requestObject(requestBody);
              }
              if (level == Level.RequestResponse && !responseBody.isEmpty()) {
                spec.responseObject(responseBody);
              }
              return spec.build();
            });
  }

  @Provide
  Arbitrary<Policy> policies() {
    return PolicyArbitraries.policies();
  }

  @Property(tries = 1000)
  void applyFollowsTheDecision(
      @ForAll("events") AuditEvent event, @ForAll("policies") Policy policy) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(policy);
    Decision decision = evaluator.evaluate(event);

    Optional<AuditEvent> result = evaluator.apply(event);

    // Dropped exactly when the level is None or the stage is omitted.
    boolean dropped = decision.level() == Level.None || decision.omits(event.stage());
    assertThat(result.isEmpty()).isEqualTo(dropped);
    if (dropped) {
      return;
    }
    AuditEvent kept = result.get();
    JsonNode before = TestEvents.tree(event);
    JsonNode after = TestEvents.tree(kept);

    // Never raises a level: the lower of the event's and the policy's.
    assertThat(kept.level()).isLessThanOrEqualTo(event.level());
    assertThat(kept.level()).isLessThanOrEqualTo(decision.level());
    assertThat(kept.level()).isIn(event.level(), decision.level());
    assertThat(after.get("level").asText()).isEqualTo(kept.level().name());

    // Never keeps a body the level forbids, never drops one it allows.
    assertThat(after.has("requestObject"))
        .isEqualTo(before.has("requestObject") && kept.level().atLeast(Level.Request));
    assertThat(after.has("responseObject"))
        .isEqualTo(before.has("responseObject") && kept.level() == Level.RequestResponse);

    // Managed fields: gone when omitted (except from a patch document), kept otherwise.
    boolean stripRequest = decision.omitManagedFields() && !event.verb().equals("patch");
    assertThat(managedFieldsIn(after.get("requestObject")))
        .isEqualTo(
            after.has("requestObject")
                && !stripRequest
                && managedFieldsIn(before.get("requestObject")));
    assertThat(managedFieldsIn(after.get("responseObject")))
        .isEqualTo(
            after.has("responseObject")
                && !decision.omitManagedFields()
                && managedFieldsIn(before.get("responseObject")));

    // Nothing else changes.
    assertThat(comparable(after)).isEqualTo(comparable(before));
    assertThat(kept.auditID()).isEqualTo(event.auditID());
    assertThat(kept.stage()).isEqualTo(event.stage());
    assertThat(kept.objectRef()).isEqualTo(event.objectRef());
  }

  @Property(tries = 300)
  void applyingTwiceChangesNothingMore(
      @ForAll("events") AuditEvent event, @ForAll("policies") Policy policy) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(policy);

    Optional<AuditEvent> once = evaluator.apply(event);
    Optional<AuditEvent> twice = once.flatMap(evaluator::apply);

    assertThat(twice.map(AuditEvent::json)).isEqualTo(once.map(AuditEvent::json));
  }

  /** The tree without the parts apply may change: level, bodies, managed fields. */
  private static JsonNode comparable(JsonNode event) {
    ObjectNode copy = (ObjectNode) event.deepCopy();
    copy.remove("level");
    copy.remove("requestObject");
    copy.remove("responseObject");
    return copy;
  }

  /** Whether managed fields sit anywhere a Kubernetes object's metadata can be. */
  private static boolean managedFieldsIn(JsonNode body) {
    if (body == null || !body.isObject()) {
      return false;
    }
    if (body.path("metadata").has("managedFields")) {
      return true;
    }
    for (JsonNode item : body.path("items")) {
      if (item.path("metadata").has("managedFields")) {
        return true;
      }
    }
    for (JsonNode row : body.path("rows")) {
      if (row.path("object").path("metadata").has("managedFields")) {
        return true;
      }
    }
    return false;
  }
}
