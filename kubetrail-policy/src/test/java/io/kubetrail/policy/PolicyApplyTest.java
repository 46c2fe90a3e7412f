package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyApplyTest {
  private static final String POD_WITH_MANAGED_FIELDS =
      """
      {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"default",
       "managedFields":[{"manager":"kubectl","operation":"Update"}],"labels":{"app":"web"}},
       "spec":{"containers":[{"name":"web","image":"nginx"}]}}
      """;

  private static PolicyEvaluator policy(PolicyRule... rules) {
    return PolicyEvaluator.of(Policy.of(rules));
  }

  private static AuditEvent rrCreate() {
    return TestEvents.event()
        .level(Level.RequestResponse)
        .verb("create")
        .ref(ObjectReference.of("", "pods", "default", ""))
        .uri("/api/v1/namespaces/default/pods")
        .requestObject(POD_WITH_MANAGED_FIELDS)
        .responseObject(POD_WITH_MANAGED_FIELDS)
        .build();
  }

  @ParameterizedTest(name = "event {0}, policy {1} -> {2}")
  @CsvSource({
    "RequestResponse, None, ",
    "RequestResponse, Metadata, Metadata",
    "RequestResponse, Request, Request",
    "RequestResponse, RequestResponse, RequestResponse",
    "Request, RequestResponse, Request",
    "Metadata, RequestResponse, Metadata",
    "Metadata, Request, Metadata",
    "Request, Metadata, Metadata",
  })
  void theLevelIsTheLowerOfTheEventsAndThePolicys(
      Level eventLevel, Level policyLevel, Level expected) {
    AuditEvent event = TestEvents.event().level(eventLevel).build();

    Optional<AuditEvent> kept = policy(PolicyRule.of(policyLevel)).apply(event);

    assertThat(kept.map(AuditEvent::level)).isEqualTo(Optional.ofNullable(expected));
    kept.ifPresent(
        e -> assertThat(TestEvents.tree(e).get("level").asText()).isEqualTo(expected.name()));
  }

  @Test
  void noMatchingRuleDropsTheEvent() {
    AuditEvent event = TestEvents.event().verb("get").build();

    assertThat(policy(PolicyRule.of(Level.Metadata).withVerbs("create")).apply(event)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "RequestReceived, RequestReceived, false",
    "ResponseComplete, RequestReceived, true",
    "Panic, Panic, false",
    "ResponseStarted, ResponseComplete, true"
  })
  void anOmittedStageDropsTheEvent(Stage stage, Stage omitted, boolean kept) {
    AuditEvent event = TestEvents.event().stage(stage).build();

    Optional<AuditEvent> result =
        policy(PolicyRule.of(Level.Metadata).withOmitStages(omitted)).apply(event);

    assertThat(result.isPresent()).isEqualTo(kept);
  }

  @Test
  void anEventThatNeedsNoChangeIsReturnedAsIs() {
    AuditEvent event = rrCreate();

    Optional<AuditEvent> kept = policy(PolicyRule.of(Level.RequestResponse)).apply(event);

    assertThat(kept).containsSame(event);
  }

  @Test
  void metadataDropsBothBodiesAndKeepsTheRestInOrder() {
    AuditEvent event = rrCreate();

    AuditEvent kept = policy(PolicyRule.of(Level.Metadata)).apply(event).orElseThrow();

    JsonNode before = TestEvents.tree(event);
    JsonNode after = TestEvents.tree(kept);
    List<String> expectedFields = fieldNames(before);
    expectedFields.removeAll(List.of("requestObject", "responseObject"));
    assertThat(fieldNames(after)).isEqualTo(expectedFields);
    assertThat(after.get("level").asText()).isEqualTo("Metadata");
    assertThat(after.get("user")).isEqualTo(before.get("user"));
    assertThat(after.get("annotations")).isEqualTo(before.get("annotations"));
    assertThat(kept.level()).isEqualTo(Level.Metadata);
    assertThat(kept.auditID()).isEqualTo(event.auditID());
  }

  @Test
  void requestKeepsTheRequestBodyOnly() {
    AuditEvent kept = policy(PolicyRule.of(Level.Request)).apply(rrCreate()).orElseThrow();

    JsonNode after = TestEvents.tree(kept);
    assertThat(after.has("requestObject")).isTrue();
    assertThat(after.has("responseObject")).isFalse();
  }

  @Test
  void omitManagedFieldsStripsBothBodies() {
    AuditEvent kept =
        policy(PolicyRule.of(Level.RequestResponse).withOmitManagedFields(true))
            .apply(rrCreate())
            .orElseThrow();

    JsonNode after = TestEvents.tree(kept);
    for (String body : List.of("requestObject", "responseObject")) {
      JsonNode metadata = after.get(body).get("metadata");
      assertThat(metadata.has("managedFields")).isFalse();
      assertThat(fieldNames(metadata)).containsExactly("name", "namespace", "labels");
    }
    assertThat(kept.level()).isEqualTo(Level.RequestResponse);
  }

  @Test
  void thePolicyWideSettingAppliesWhenTheRuleIsSilent() {
    Policy policy = Policy.of(PolicyRule.of(Level.RequestResponse)).withOmitManagedFields(true);

    AuditEvent kept = PolicyEvaluator.of(policy).apply(rrCreate()).orElseThrow();

    assertThat(TestEvents.tree(kept).at("/responseObject/metadata").has("managedFields")).isFalse();
  }

  @Test
  void listItemsAndTableRowsLoseTheirManagedFields() {
    String list =
        "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"9\"},"
            + "\"items\":["
            + POD_WITH_MANAGED_FIELDS
            + ","
            + POD_WITH_MANAGED_FIELDS
            + "]}";
    String table =
        "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"columnDefinitions\":[],"
            + "\"rows\":[{\"cells\":[\"web\"],\"object\":"
            + POD_WITH_MANAGED_FIELDS
            + "}]}";
    PolicyEvaluator omit = policy(PolicyRule.of(Level.RequestResponse).withOmitManagedFields(true));

    AuditEvent fromList =
        omit.apply(
                TestEvents.event()
                    .level(Level.RequestResponse)
                    .verb("list")
                    .responseObject(list)
                    .build())
            .orElseThrow();
    AuditEvent fromTable =
        omit.apply(
                TestEvents.event()
                    .level(Level.RequestResponse)
                    .verb("list")
                    .responseObject(table)
                    .build())
            .orElseThrow();

    JsonNode items = TestEvents.tree(fromList).at("/responseObject/items");
    assertThat(items).hasSize(2);
    items.forEach(i -> assertThat(i.get("metadata").has("managedFields")).isFalse());
    JsonNode rowMetadata = TestEvents.tree(fromTable).at("/responseObject/rows/0/object/metadata");
    assertThat(rowMetadata.has("managedFields")).isFalse();
    assertThat(rowMetadata.has("labels")).isTrue();
  }

  @Test
  void aPatchBodyIsKeptAsSentButItsResponseIsStripped() {
    AuditEvent patch =
        TestEvents.event()
            .level(Level.RequestResponse)
            .verb("patch")
            .requestObject(POD_WITH_MANAGED_FIELDS)
            .responseObject(POD_WITH_MANAGED_FIELDS)
            .build();

    AuditEvent kept =
        policy(PolicyRule.of(Level.RequestResponse).withOmitManagedFields(true))
            .apply(patch)
            .orElseThrow();

    JsonNode after = TestEvents.tree(kept);
    assertThat(after.at("/requestObject/metadata").has("managedFields")).isTrue();
    assertThat(after.at("/responseObject/metadata").has("managedFields")).isFalse();
  }

  @Test
  void numbersAndEscapesSurviveARewrite() {
    String body =
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"managedFields\":[]},"
            + "\"data\":{\"ratio\":1.50,\"big\":123456789012345678901234567890,"
            + "\"small\":1.0E-400,\"text\":\"tab\\there \\u00e9 \\\"q\\\"\"}}";
    // Spliced in as text: a tree parse in the test would already normalise the numbers.
    AuditEvent plain = TestEvents.event().level(Level.RequestResponse).build();
    String json =
        new String(plain.json().toByteArray(), StandardCharsets.UTF_8)
            .replace(
                "\"requestReceivedTimestamp\"",
                "\"responseObject\":" + body + ",\"requestReceivedTimestamp\"");
    AuditEvent event =
        plain.withLevelAndJson(Level.RequestResponse, io.kubetrail.event.RawJson.of(json));

    AuditEvent kept =
        policy(PolicyRule.of(Level.RequestResponse).withOmitManagedFields(true))
            .apply(event)
            .orElseThrow();

    assertThat(new String(kept.json().toByteArray(), StandardCharsets.UTF_8))
        .contains("\"ratio\":1.50")
        .contains("\"big\":123456789012345678901234567890")
        .contains("\"small\":1.0E-400")
        .contains("\"text\":\"tab\\there é \\\"q\\\"\"")
        .doesNotContain("managedFields");
  }

  @Test
  void aKeyWrittenWithEscapesIsStillFound() {
    String json =
        new String(rrCreate().json().toByteArray(), StandardCharsets.UTF_8)
            .replace("\"responseObject\"", "\"respons\\u0065Object\"");
    AuditEvent event =
        rrCreate().withLevelAndJson(Level.RequestResponse, io.kubetrail.event.RawJson.of(json));

    AuditEvent kept = policy(PolicyRule.of(Level.Request)).apply(event).orElseThrow();

    assertThat(TestEvents.tree(kept).has("responseObject")).isFalse();
    assertThat(TestEvents.tree(kept).has("requestObject")).isTrue();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
