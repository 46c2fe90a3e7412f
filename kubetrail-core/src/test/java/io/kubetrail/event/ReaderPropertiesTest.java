package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.eventList;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.readAll;
import static io.kubetrail.event.Fixtures.rejections;
import static io.kubetrail.event.Fixtures.utf8;
import static io.kubetrail.event.Fixtures.v1Event;
import static io.kubetrail.event.Fixtures.v1beta1Event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** Properties of the reader over generated input; jqwik prints the seed of any failure. */
class ReaderPropertiesTest {
  private static final RawJson NO_JSON = RawJson.of("{}");
  private static final Set<String> KNOWN =
      Set.of(
          "kind",
          "apiVersion",
          "level",
          "auditID",
          "stage",
          "requestURI",
          "verb",
          "user",
          "impersonatedUser",
          "sourceIPs",
          "userAgent",
          "objectRef",
          "responseStatus",
          "requestObject",
          "responseObject",
          "requestReceivedTimestamp",
          "stageTimestamp",
          "annotations",
          "timestamp",
          "metadata",
          "username",
          "uid",
          "groups",
          "extra",
          "resource",
          "namespace",
          "name",
          "apiGroup",
          "resourceVersion",
          "subresource",
          "code",
          "creationTimestamp");

  @Property(tries = 300)
  void fieldOrderAndUnknownFieldsChangeNothingButTheRawJson(
      @ForAll("shuffledV1Events") ObjectNode event) {
    AuditEvent expected = events(readAll(compact(v1Event("p")))).get(0);
    String line = compact(event);

    List<DecodeResult> results = readAll(line + "\n");

    assertThat(rejections(results)).isEmpty();
    AuditEvent actual = events(results).get(0);
    assertThat(withoutJson(actual)).isEqualTo(withoutJson(expected));
    assertThat(actual.json().toString()).isEqualTo(line);
  }

  @Property(tries = 200)
  void convertedEventsKeepEveryFieldInOrder(@ForAll("shuffledV1beta1Events") ObjectNode generated) {
    // Through text and back, so that numbers compare as the parser reads them.
    JsonNode event = (JsonNode) parse(compact(generated));
    List<DecodeResult> results = readAll(pretty(event));

    assertThat(rejections(results)).isEmpty();
    JsonNode raw = Fixtures.tree(events(results).get(0).json());
    List<String> expectedNames = names(event);
    expectedNames.add("requestReceivedTimestamp");
    expectedNames.add("stageTimestamp");
    assertThat(names(raw)).isEqualTo(expectedNames);
    for (String name : names(event)) {
      if (!name.equals("apiVersion")) {
        assertThat(raw.get(name)).as(name).isEqualTo(event.get(name));
      }
    }
    assertThat(raw.get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
  }

  @Property(tries = 100)
  void chunkSizesDoNotChangeTheResults(
      @ForAll("corpora") String corpus,
      @ForAll @IntRange(min = 1, max = 300) int maxChunk,
      @ForAll long seed) {
    byte[] data = utf8(corpus);

    List<DecodeResult> whole = readAll(data, DecodeLimits.defaults());
    List<DecodeResult> chunked =
        readAll(Fixtures.trickle(data, new Random(seed), maxChunk), DecodeLimits.defaults());

    assertThat(chunked).isEqualTo(whole);
  }

  @Property(tries = 3)
  void aSplitAtAnyByteChangesNothing(@ForAll("corpora") String corpus) {
    byte[] data = utf8(corpus);
    List<DecodeResult> whole = readAll(data, DecodeLimits.defaults());

    for (int split = 1; split < data.length; split++) {
      assertThat(readAll(splitAt(data, split), DecodeLimits.defaults()))
          .as("split at byte %d", split)
          .isEqualTo(whole);
    }
  }

  @Property(tries = 300)
  void badLinesNeverCostAGoodOne(@ForAll("mixedLines") List<Tuple.Tuple2<String, Boolean>> lines) {
    StringBuilder text = new StringBuilder();
    List<String> goodIds = new ArrayList<>();
    int bad = 0;
    for (Tuple.Tuple2<String, Boolean> line : lines) {
      text.append(line.get1()).append(line.get1().hashCode() % 3 == 0 ? "\r\n" : "\n");
      if (line.get2()) {
        goodIds.add(JSON.valueToTree(parse(line.get1())).get("auditID").asText());
      } else {
        bad++;
      }
    }

    List<DecodeResult> results = readAll(text.toString());

    // Every good line, in order. Bad lines may together be valid JSON ("[" then "]"), even an
    // event: a cut event line followed by "}" is the event written over two lines. Such an event
    // comes only from bad lines that hold its auditID.
    List<String> ids = events(results).stream().map(AuditEvent::auditID).toList();
    assertThat(ids.stream().filter(id -> id.startsWith("g")).toList()).isEqualTo(goodIds);
    for (String id : ids.stream().filter(id -> !id.startsWith("g")).toList()) {
      assertThat(lines)
          .as("event %s comes from bad lines", id)
          .anyMatch(l -> !l.get2() && l.get1().contains("\"auditID\":\"" + id + "\""));
    }
    assertThat(rejections(results).size()).isLessThanOrEqualTo(bad * 3);
  }

  // ---- generators

  @Provide
  Arbitrary<ObjectNode> shuffledV1Events() {
    return shuffledWithUnknowns(v1Event("p"));
  }

  @Provide
  Arbitrary<ObjectNode> shuffledV1beta1Events() {
    return shuffledWithUnknowns(v1beta1Event("q"));
  }

  private Arbitrary<ObjectNode> shuffledWithUnknowns(ObjectNode base) {
    Arbitrary<List<Map.Entry<String, JsonNode>>> unknowns =
        Combinators.combine(unknownNames(), jsonValues(3)).as(Map::entry).list().ofMaxSize(4);
    return Combinators.combine(
            Arbitraries.shuffle(entries(base)),
            unknowns,
            unknowns,
            Arbitraries.integers().between(0, 1000))
        .as(
            (fields, topUnknown, nestedUnknown, at) -> {
              List<Map.Entry<String, JsonNode>> all = new ArrayList<>(fields);
              for (Map.Entry<String, JsonNode> u : topUnknown) {
                all.add(at % (all.size() + 1), u);
              }
              ObjectNode out = JSON.createObjectNode();
              for (Map.Entry<String, JsonNode> f : all) {
                JsonNode value = f.getValue().deepCopy();
                if (value instanceof ObjectNode nested
                    && (f.getKey().equals("user") || f.getKey().equals("objectRef"))) {
                  value = reversedWith(nested, nestedUnknown);
                }
                out.set(f.getKey(), value);
              }
              return out;
            });
  }

  private static ObjectNode reversedWith(ObjectNode node, List<Map.Entry<String, JsonNode>> extra) {
    List<Map.Entry<String, JsonNode>> fields = entries(node);
    java.util.Collections.reverse(fields);
    ObjectNode out = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> f : fields) {
      out.set(f.getKey(), f.getValue());
    }
    for (Map.Entry<String, JsonNode> e : extra) {
      out.set(e.getKey(), e.getValue());
    }
    return out;
  }

  private static Arbitrary<String> unknownNames() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('/', '.', '-', '\u00e9')
        .ofMinLength(1)
        .ofMaxLength(12)
        .filter(n -> !KNOWN.contains(n));
  }

  private static Arbitrary<JsonNode> jsonValues(int depth) {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withCharRange(' ', '~')
                .withChars('\t', '\n', '\u00e9', '\u4e16', '\u2028')
                .ofMaxLength(20)
                .map(JSON::valueToTree),
            Arbitraries.integers().map(JSON::valueToTree),
            Arbitraries.longs().map(JSON::valueToTree),
            Arbitraries.doubles().between(-1e12, 1e12).map(JSON::valueToTree),
            Arbitraries.of(true, false).map(JSON::valueToTree),
            Arbitraries.just(JSON.nullNode()));
    if (depth == 0) {
      return scalars;
    }
    Arbitrary<JsonNode> arrays =
        jsonValues(depth - 1).list().ofMaxSize(3).map(l -> JSON.createArrayNode().addAll(l));
    Arbitrary<JsonNode> objects =
        Combinators.combine(unknownNames(), jsonValues(depth - 1))
            .as(Map::entry)
            .list()
            .ofMaxSize(3)
            .map(
                l -> {
                  ObjectNode o = JSON.createObjectNode();
                  l.forEach(e -> o.set(e.getKey(), e.getValue()));
                  return o;
                });
    return Arbitraries.frequencyOf(Tuple.of(4, scalars), Tuple.of(1, arrays), Tuple.of(1, objects));
  }

  /** Inputs mixing every format, good and bad records. */
  @Provide
  Arbitrary<String> corpora() {
    Arbitrary<String> parts =
        Arbitraries.integers()
            .between(0, 9999)
            .flatMap(
                n ->
                    Arbitraries.of(
                        compact(v1Event("l" + n)) + "\n",
                        compact(v1beta1Event("b" + n)) + "\r\n",
                        pretty(v1Event("d" + n)) + "\n",
                        compact(
                                eventList(
                                    "audit.k8s.io/v1", List.of(v1Event("i" + n), v1Event("j" + n))))
                            + "\n",
                        pretty(eventList("audit.k8s.io/v1beta1", List.of(v1beta1Event("k" + n))))
                            + "\n",
                        "{\"kind\": 0}\n",
                        "\n  \n",
                        compact(v1Event("t" + n)).substring(0, 40) + "\n",
                        "not json at all\n"));
    return parts.list().ofMinSize(1).ofMaxSize(6).map(l -> "\uFEFF" + String.join("", l));
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<String, Boolean>>> mixedLines() {
    Arbitrary<Tuple.Tuple2<String, Boolean>> good =
        Arbitraries.integers()
            .between(0, 99999)
            .map(n -> Tuple.of(compact(v1Event("g" + n)), true));
    Arbitrary<String> whole =
        Arbitraries.integers().between(0, 99999).map(n -> compact(v1Event("x" + n)));
    Arbitrary<Tuple.Tuple2<String, Boolean>> bad =
        Arbitraries.oneOf(
                whole.flatMap(
                    s ->
                        Arbitraries.integers()
                            .between(1, s.length() - 1)
                            .map(i -> s.substring(0, i))),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(30),
                Arbitraries.of(
                    "{\"kind\": 0}",
                    "{",
                    "[",
                    "}",
                    "]",
                    "{\"a\":",
                    "{\"a\":[",
                    "[1,",
                    "\"open",
                    "{}",
                    "{\"kind\":\"Event\"}",
                    "42",
                    "null"),
                whole.map(s -> s.replace("\"verb\":\"create\"", "\"verb\":1")))
            .filter(s -> !s.isBlank())
            .map(s -> Tuple.of(s, false));
    return Arbitraries.frequencyOf(Tuple.of(3, good), Tuple.of(2, bad)).list().ofMaxSize(12);
  }

  // ---- helpers

  private static AuditEvent withoutJson(AuditEvent e) {
    return e.withLevelAndJson(e.level(), NO_JSON);
  }

  private static Object parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static InputStream splitAt(byte[] data, int split) {
    return new InputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= data.length) {
          return -1;
        }
        int end = pos < split ? split : data.length;
        int n = Math.min(len, end - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }
}
