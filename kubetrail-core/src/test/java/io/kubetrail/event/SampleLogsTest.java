package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.rejections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public sample logs beside the project (see {@code SOURCES.txt} there), checked against an
 * independent reading with Jackson's tree model. Skipped when the samples are absent.
 */
class SampleLogsTest {

  @Test
  void audit2rbacV1beta1LogDecodesCompletely() throws IOException {
    Path log = sample("audit2rbac/demo-v1beta1-2017.log");
    List<JsonNode> expected = trees(log);

    List<DecodeResult> results = Fixtures.readAll(log, DecodeLimits.defaults());

    assertThat(rejections(results)).isEmpty();
    assertThat(expected).hasSize(757);
    assertSameEvents(events(results), expected);
  }

  @Test
  void audit2rbacHandConvertedV1LogDecodesCompletely() throws IOException {
    Path log = sample("audit2rbac/demo-v1.log");
    List<JsonNode> expected = trees(log);

    List<DecodeResult> results = Fixtures.readAll(log, DecodeLimits.defaults());

    assertThat(rejections(results)).isEmpty();
    assertSameEvents(events(results), expected);
  }

  @Test
  void falcoSamplesDecodeButForTheMalformedOne() throws IOException {
    Path dir = sample("falco-k8s_audit");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    List<DecodeResult.Rejected> rejected = new ArrayList<>();
    for (Path file : files) {
      List<DecodeResult> results = Fixtures.readAll(file, DecodeLimits.defaults());
      rejected.addAll(rejections(results));
      if (!file.getFileName().toString().equals("fal_01_003.json")) {
        assertSameEvents(events(results), trees(file));
      }
    }

    assertThat(files).hasSizeGreaterThan(40);
    assertThat(rejected)
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            dir.resolve("fal_01_003.json") + ":1: kind: expected string \"Event\", got number");
  }

  private static Path sample(String relative) {
    Optional<Path> path = Fixtures.testdata(relative);
    assumeTrue(path.isPresent(), "sample data not present: " + relative);
    return path.get();
  }

  private static List<JsonNode> trees(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  // The model agrees with the tree, every field of the source survives in the raw JSON, and the
  // raw JSON is a v1 event.
  private static void assertSameEvents(List<AuditEvent> events, List<JsonNode> sources) {
    assertThat(events).hasSameSizeAs(sources);
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      JsonNode s = sources.get(i);
      assertThat(e.auditID()).isEqualTo(s.get("auditID").asText());
      assertThat(e.verb()).isEqualTo(s.get("verb").asText());
      assertThat(e.stage().name()).isEqualTo(s.get("stage").asText());
      assertThat(e.level().name()).isEqualTo(s.get("level").asText());
      assertThat(e.requestURI()).isEqualTo(s.get("requestURI").asText());
      assertThat(e.user().map(UserInfo::username).orElse(""))
          .isEqualTo(s.path("user").path("username").asText(""));
      assertThat(e.responseCode().orElse(-1))
          .isEqualTo(s.path("responseStatus").path("code").asInt(-1));
      String received =
          s.has("requestReceivedTimestamp")
              ? s.get("requestReceivedTimestamp").asText()
              : s.get("timestamp").asText();
      assertThat(e.requestReceivedTimestamp()).isEqualTo(Instant.parse(received));
      JsonNode raw = Fixtures.tree(e.json());
      assertThat(raw.get("apiVersion").asText("audit.k8s.io/v1")).isEqualTo("audit.k8s.io/v1");
      s.fieldNames()
          .forEachRemaining(
              name -> {
                if (!name.equals("apiVersion")) {
                  assertThat(raw.get(name)).as(name).isEqualTo(s.get(name));
                }
              });
    }
  }
}
