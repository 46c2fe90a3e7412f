package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.readAll;
import static io.kubetrail.event.Fixtures.rejections;
import static io.kubetrail.event.Fixtures.v1Event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad field is rejected with its path and what was wrong; the next record still decodes. */
class ValidationTest {

  static Stream<Arguments> badFields() {
    return Stream.of(
        bad(e -> e.put("kind", 0), "kind: expected string \"Event\", got number"),
        bad(e -> e.put("kind", "Pod"), "kind: expected string \"Event\", got \"Pod\""),
        bad(
            e -> e.put("apiVersion", "audit.k8s.io/v2"),
            "apiVersion: expected one of \"audit.k8s.io/v1\", \"audit.k8s.io/v1beta1\","
                + " \"audit.k8s.io/v1alpha1\", got \"audit.k8s.io/v2\""),
        bad(e -> e.put("apiVersion", 1), "apiVersion: expected string, got number"),
        bad(
            e -> e.put("level", "Verbose"),
            "level: expected one of None, Metadata, Request, RequestResponse, got \"Verbose\""),
        bad(e -> e.put("level", true), "level: expected string, got boolean"),
        bad(
            e -> e.put("stage", "Done"),
            "stage: expected one of RequestReceived, ResponseStarted, ResponseComplete, Panic,"
                + " got \"Done\""),
        bad(e -> e.put("auditID", 5), "auditID: expected string, got number"),
        bad(e -> e.putArray("requestURI"), "requestURI: expected string, got array"),
        bad(e -> e.putObject("verb"), "verb: expected string, got object"),
        bad(e -> e.put("userAgent", 1.5), "userAgent: expected string, got number"),
        bad(e -> e.put("user", "alice"), "user: expected object, got string"),
        bad(e -> user(e).put("username", 1), "user.username: expected string, got number"),
        bad(e -> user(e).put("uid", false), "user.uid: expected string, got boolean"),
        bad(
            e -> user(e).put("groups", "dev"),
            "user.groups: expected array of strings, got string"),
        bad(
            e -> user(e).putArray("groups").add("dev").add(7),
            "user.groups[1]: expected string, got number"),
        bad(
            e -> user(e).putArray("extra"),
            "user.extra: expected object of string arrays, got array"),
        bad(
            e -> user(e).putObject("extra").put("k", "v"),
            "user.extra[\"k\"]: expected array of strings, got string"),
        bad(
            e -> user(e).putObject("extra").putArray("k").add("v").addNull(),
            "user.extra[\"k\"][1]: expected string, got null"),
        bad(
            e -> e.putObject("impersonatedUser").putArray("groups").add(1),
            "impersonatedUser.groups[0]: expected string, got number"),
        bad(
            e -> e.put("sourceIPs", "10.0.0.1"),
            "sourceIPs: expected array of strings, got string"),
        bad(
            e -> e.putArray("sourceIPs").add("10.0.0.1").addObject(),
            "sourceIPs[1]: expected string, got object"),
        bad(e -> e.putArray("objectRef"), "objectRef: expected object, got array"),
        bad(e -> ref(e).put("name", 3), "objectRef.name: expected string, got number"),
        bad(
            e -> ref(e).putArray("subresource"),
            "objectRef.subresource: expected string, got array"),
        bad(e -> ref(e).put("apiGroup", 1), "objectRef.apiGroup: expected string, got number"),
        bad(e -> e.put("responseStatus", "OK"), "responseStatus: expected object, got string"),
        bad(
            e -> e.putObject("responseStatus").put("code", "200"),
            "responseStatus.code: expected integer, got string"),
        bad(
            e -> e.putObject("responseStatus").put("code", 200.5),
            "responseStatus.code: expected integer, got number"),
        bad(e -> e.putArray("annotations"), "annotations: expected object of strings, got array"),
        bad(
            e -> e.putObject("annotations").put("a/b", 1),
            "annotations[\"a/b\"]: expected string, got number"),
        bad(
            e -> e.put("requestReceivedTimestamp", "2026-13-01T00:00:00Z"),
            "requestReceivedTimestamp: expected an RFC 3339 timestamp, got"
                + " \"2026-13-01T00:00:00Z\""),
        bad(e -> e.put("stageTimestamp", 0), "stageTimestamp: expected string, got number"),
        bad(e -> e.put("metadata", "x"), "metadata: expected object, got string"),
        bad(
            e -> e.putObject("metadata").put("creationTimestamp", 1),
            "metadata.creationTimestamp: expected string, got number"),
        bad(e -> e.put("timestamp", 1), "timestamp: expected string, got number"),
        bad(e -> e.remove("auditID"), "auditID: required field is missing"),
        bad(e -> e.putNull("auditID"), "auditID: required field is missing"),
        bad(e -> e.remove(List.of("verb", "stage")), "stage, verb: required fields are missing"),
        bad(
            e -> e.remove(List.of("requestReceivedTimestamp", "stageTimestamp")),
            "requestReceivedTimestamp, stageTimestamp: required fields are missing"));
  }

  private static Arguments bad(Consumer<ObjectNode> change, String reason) {
    ObjectNode e = v1Event("bad");
    change.accept(e);
    return Arguments.of(compact(e), reason);
  }

  private static ObjectNode user(ObjectNode e) {
    return (ObjectNode) e.get("user");
  }

  private static ObjectNode ref(ObjectNode e) {
    return (ObjectNode) e.get("objectRef");
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldRejectsItsRecordOnly(String line, String reason) {
    String good = compact(v1Event("good"));

    List<DecodeResult> results = readAll(line + "\n" + good + "\n");

    assertThat(results).hasSize(2);
    assertThat(results.get(0))
        .isEqualTo(new DecodeResult.Rejected(new SourcePosition("<test>", 1), reason));
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("good");
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void decodeThrowsTheSameReason(String line, String reason) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AuditEventReader.decode(Fixtures.utf8(line), DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage(reason);
  }

  @Test
  void falcosMalformedSampleIsRejected() {
    List<DecodeResult> results = readAll("{\"kind\": 0}");

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly("<test>:1: kind: expected string \"Event\", got number");
  }

  @Test
  void aValueThatIsNotAnObjectIsRejected() {
    List<DecodeResult> results = readAll("\"an event\"\n42\ntrue\nnull\n");

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "expected an Event object, got string",
            "expected an Event object, got number",
            "expected an Event object, got boolean",
            "expected an Event object, got null");
    assertThat(results).extracting(r -> r.position().line()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void eventListItemsAreCheckedOneByOne() {
    ObjectNode good = v1Event("good");
    ObjectNode bad = v1Event("bad");
    bad.put("verb", 1);
    ObjectNode list = Fixtures.eventList("audit.k8s.io/v1", List.of(bad, good));
    list.withArray("items").add("not an event");

    List<DecodeResult> results = readAll(compact(list));

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "items[0]: verb: expected string, got number",
            "items[2]: expected an Event object, got string");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("good");
  }

  @Test
  void anEventListWithAnUnknownVersionIsRejected() {
    ObjectNode list = Fixtures.eventList("audit.k8s.io/v9", List.of());

    assertThat(rejections(readAll(compact(list))))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "apiVersion: expected one of \"audit.k8s.io/v1\", \"audit.k8s.io/v1beta1\","
                + " \"audit.k8s.io/v1alpha1\", got \"audit.k8s.io/v9\"");
  }

  @Test
  void unknownFieldsAndNullsOfOptionalFieldsAreFine() {
    ObjectNode e = v1Event("x");
    e.putObject("somethingNew").putArray("deep").addObject().put("a", 1);
    e.putNull("objectRef");
    e.putNull("annotations");
    e.putNull("userAgent");
    ((ObjectNode) e.get("user")).put("futureField", 3);

    AuditEvent event = events(readAll(compact(e))).get(0);

    assertThat(event.objectRef()).isEmpty();
    assertThat(event.annotations()).isEmpty();
    assertThat(event.userAgent()).isEmpty();
    assertThat(Fixtures.tree(event.json())).isEqualTo(JSON.valueToTree(e));
  }
}
