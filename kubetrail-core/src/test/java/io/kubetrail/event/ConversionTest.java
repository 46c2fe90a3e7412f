package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.eventList;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.readAll;
import static io.kubetrail.event.Fixtures.rejections;
import static io.kubetrail.event.Fixtures.v1Event;
import static io.kubetrail.event.Fixtures.v1beta1Event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Older event versions come out as v1, with every field they had. */
class ConversionTest {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void v1beta1TimesFillTheV1OnesAndEveryFieldStaysInOrder() {
    ObjectNode source = v1beta1Event("b1");

    AuditEvent e = events(readAll(compact(source))).get(0);

    Instant received = Instant.parse(source.get("timestamp").asText());
    Instant stage = Instant.parse(source.at("/metadata/creationTimestamp").asText());
    assertThat(e.requestReceivedTimestamp()).isEqualTo(received);
    assertThat(e.stageTimestamp()).isEqualTo(stage);
    assertThat(e.json().toString()).isEqualTo(compact(asV1(source, received, stage)));
  }

  @Test
  void aConvertedEventIsCompactEvenWhenItsLineWasNot() {
    ObjectNode source = v1beta1Event("b1");
    String spaced = pretty(source).replace("\n", "");

    AuditEvent e = events(readAll(spaced + "\n")).get(0);

    assertThat(e.json().toString())
        .isEqualTo(
            compact(
                asV1(
                    source,
                    Instant.parse(source.get("timestamp").asText()),
                    Instant.parse(source.at("/metadata/creationTimestamp").asText()))));
  }

  @Test
  void aConversionKeepsStringEscapesAndNumbersAsWritten() {
    String line =
        compact(v1beta1Event("b1"))
            .replace(
                "\"/apis/rbac.authorization.k8s.io/v1/clusterroles\"",
                "\"/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=500\\u0026watch=0\"")
            .replace("\"code\":200", "\"code\":200,\"retryAfterSeconds\":1.50e1");

    AuditEvent e = events(readAll(line)).get(0);

    assertThat(e.requestURI()).endsWith("?limit=500&watch=0");
    assertThat(e.json().toString())
        .contains("?limit=500\\u0026watch=0\"")
        .contains("\"retryAfterSeconds\":1.50e1");
  }

  @Test
  void v1alpha1ObjectRefApiVersionIsSplitIntoGroupAndVersion() throws IOException {
    List<JsonNode> sources = new ArrayList<>();
    byte[] data;
    try (InputStream in = getClass().getResourceAsStream("v1alpha1-events.jsonl")) {
      data = in.readAllBytes();
    }
    for (String line : new String(data, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
      sources.add(JSON.readTree(line));
    }

    List<AuditEvent> events = events(readAll(data, DecodeLimits.defaults()));

    assertThat(events).hasSameSizeAs(sources);
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      JsonNode source = sources.get(i);
      assertThat(e.auditID()).isEqualTo(source.get("auditID").asText());
      assertThat(e.requestReceivedTimestamp())
          .isEqualTo(Instant.parse(source.get("timestamp").asText()));
      JsonNode raw = Fixtures.tree(e.json());
      assertThat(raw.get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
      JsonNode ref = source.get("objectRef");
      if (ref == null) {
        assertThat(e.objectRef()).isEmpty();
        continue;
      }
      String groupVersion = ref.get("apiVersion").asText();
      int slash = groupVersion.lastIndexOf('/');
      String group = slash < 0 ? "" : groupVersion.substring(0, slash);
      String version = groupVersion.substring(slash + 1);
      assertThat(e.objectRef().get().apiGroup()).isEqualTo(group);
      assertThat(e.objectRef().get().apiVersion()).isEqualTo(version);
      assertThat(raw.at("/objectRef/apiVersion").asText()).isEqualTo(version);
      assertThat(raw.at("/objectRef/apiGroup").isMissingNode()).isEqualTo(group.isEmpty());
      if (!group.isEmpty()) {
        assertThat(fieldNames(raw.get("objectRef")))
            .containsSubsequence("apiGroup", "apiVersion")
            .hasSize(ref.size() + 1);
        assertThat(raw.at("/objectRef/apiGroup").asText()).isEqualTo(group);
      }
    }
  }

  @Test
  void eventsWithoutApiVersionButWithDeprecatedFieldsAreV1beta1() {
    ObjectNode source = v1beta1Event("f1");
    source.remove("apiVersion");

    AuditEvent e = events(readAll(compact(source))).get(0);

    List<String> names = fieldNames(Fixtures.tree(e.json()));
    assertThat(names.subList(0, 2)).containsExactly("kind", "apiVersion");
    assertThat(Fixtures.tree(e.json()).get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
  }

  @Test
  void withoutKindTheApiVersionGoesFirst() {
    ObjectNode source = v1beta1Event("f1");
    source.remove("apiVersion");
    source.remove("kind");

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(fieldNames(Fixtures.tree(e.json())).get(0)).isEqualTo("apiVersion");
  }

  @Test
  void eventsWithoutApiVersionOrDeprecatedFieldsAreV1AndKeptAsTheyAre() {
    ObjectNode source = v1Event("f2");
    source.remove("apiVersion");
    String line = compact(source);

    AuditEvent e = events(readAll(line)).get(0);

    assertThat(e.json().toString()).isEqualTo(line);
  }

  @Test
  void v1EventsThatKeptOnlyTheDeprecatedTimesAreFilledIn() {
    ObjectNode source = v1beta1Event("h1");
    source.put("apiVersion", "audit.k8s.io/v1");

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(e.requestReceivedTimestamp())
        .isEqualTo(Instant.parse(source.get("timestamp").asText()));
    assertThat(Fixtures.tree(e.json()).has("stageTimestamp")).isTrue();
  }

  @Test
  void aNullV1TimeIsReplacedWhereItStands() {
    ObjectNode source = v1beta1Event("n1");
    source.putNull("requestReceivedTimestamp");

    AuditEvent e = events(readAll(compact(source))).get(0);

    Instant received = Instant.parse(source.get("timestamp").asText());
    ObjectNode expected = source.deepCopy();
    expected.put("apiVersion", "audit.k8s.io/v1");
    expected.put("requestReceivedTimestamp", MICROS.format(received));
    expected.put(
        "stageTimestamp",
        MICROS.format(Instant.parse(source.at("/metadata/creationTimestamp").asText())));
    assertThat(e.json().toString()).isEqualTo(compact(expected));
  }

  @Test
  void v1TimesWinOverDeprecatedOnes() {
    ObjectNode source = v1beta1Event("w1");
    source.put("requestReceivedTimestamp", "2020-02-02T02:02:02.020202Z");
    source.put("stageTimestamp", "2020-02-02T02:02:03.030303Z");

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(e.requestReceivedTimestamp())
        .isEqualTo(Instant.parse("2020-02-02T02:02:02.020202Z"));
    assertThat(e.stageTimestamp()).isEqualTo(Instant.parse("2020-02-02T02:02:03.030303Z"));
    ObjectNode expected = source.deepCopy();
    expected.put("apiVersion", "audit.k8s.io/v1");
    assertThat(e.json().toString()).isEqualTo(compact(expected));
  }

  @Test
  void anUnusedBadDeprecatedTimeIsNoError() {
    ObjectNode source = v1Event("u1");
    source.put("timestamp", "not a time");

    List<DecodeResult> results = readAll(compact(source));

    assertThat(rejections(results)).isEmpty();
  }

  @Test
  void aNeededBadDeprecatedTimeIsRejected() {
    ObjectNode source = v1beta1Event("u2");
    source.put("timestamp", "yesterday");

    List<DecodeResult> results = readAll(compact(source));

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly("timestamp: expected an RFC 3339 timestamp, got \"yesterday\"");
  }

  @Test
  void itemsOfAV1beta1EventListAreConvertedWithTheListsVersion() {
    ObjectNode a = v1beta1Event("i1");
    ObjectNode b = v1beta1Event("i2");
    a.remove(List.of("kind", "apiVersion"));
    b.remove(List.of("kind", "apiVersion"));
    String text = pretty(eventList("audit.k8s.io/v1beta1", List.of(a, b)));

    List<AuditEvent> events = events(readAll(text));

    assertThat(events).hasSize(2);
    for (int i = 0; i < 2; i++) {
      ObjectNode source = i == 0 ? a : b;
      ObjectNode expected = JSON.createObjectNode();
      expected.put("apiVersion", "audit.k8s.io/v1");
      expected.setAll(
          asV1(
              source,
              Instant.parse(source.get("timestamp").asText()),
              Instant.parse(source.at("/metadata/creationTimestamp").asText())));
      assertThat(events.get(i).json().toString()).isEqualTo(compact(expected));
    }
  }

  @Test
  void itemsOfAV1EventListAreKeptCompactAsTheyAre() {
    ObjectNode a = v1Event("i1");
    a.remove(List.of("kind", "apiVersion"));

    List<AuditEvent> events = events(readAll(pretty(eventList("audit.k8s.io/v1", List.of(a)))));

    assertThat(events).extracting(e -> e.json().toString()).containsExactly(compact(a));
  }

  /** What a v1beta1 event becomes: v1 apiVersion, the v1 times last, in RFC 3339 micro form. */
  private static ObjectNode asV1(ObjectNode source, Instant received, Instant stage) {
    ObjectNode v1 = source.deepCopy();
    if (v1.has("apiVersion")) {
      v1.put("apiVersion", "audit.k8s.io/v1");
    }
    v1.put("requestReceivedTimestamp", MICROS.format(received));
    v1.put("stageTimestamp", MICROS.format(stage));
    return v1;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      names.add(it.next().getKey());
    }
    return names;
  }
}
