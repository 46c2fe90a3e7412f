package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.readAll;
import static io.kubetrail.event.Fixtures.rejections;
import static io.kubetrail.event.Fixtures.v1Event;
import static io.kubetrail.event.Fixtures.v1beta1Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An EventList item decoded where it lies comes out as the reader makes it out of the list. */
class ListItemDecodeTest {

  /** The list as one document whose only item is {@code item}, as text of its own. */
  private static String list(String apiVersion, String item) {
    return "{\"kind\":\"EventList\",\"apiVersion\":\""
        + apiVersion
        + "\",\"items\":["
        + item
        + "]}";
  }

  private static AuditEvent decodeItem(String apiVersion, String item) throws Exception {
    byte[] body = list(apiVersion, item).getBytes(StandardCharsets.UTF_8);
    int start = list(apiVersion, "").length() - 2;
    return AuditEventReader.decodeListItem(
        body,
        start,
        start + item.getBytes(StandardCharsets.UTF_8).length,
        apiVersion,
        DecodeLimits.defaults());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void itemsOfBothVersionsWithOrWithoutTheirOwnVersionMatchTheReader(boolean prettyPrinted)
      throws Exception {
    ObjectNode v1 = v1Event("a1");
    ObjectNode v1NoVersion = v1Event("a2");
    v1NoVersion.remove("apiVersion");
    ObjectNode beta = v1beta1Event("b1");
    ObjectNode betaNoVersion = v1beta1Event("b2");
    betaNoVersion.remove("apiVersion");
    Object[][] cases = {
      {"audit.k8s.io/v1", v1}, {"audit.k8s.io/v1", v1NoVersion},
      {"audit.k8s.io/v1beta1", beta}, {"audit.k8s.io/v1beta1", betaNoVersion}
    };
    for (Object[] c : cases) {
      String version = (String) c[0];
      JsonNode node = (JsonNode) c[1];
      String item = prettyPrinted ? pretty(node) : compact(node);
      AuditEvent expected = events(readAll(list(version, item))).get(0);
      AuditEvent actual = decodeItem(version, item);
      assertThat(actual.json().toString()).isEqualTo(expected.json().toString());
      assertThat(actual.requestReceivedTimestamp()).isEqualTo(expected.requestReceivedTimestamp());
      assertThat(actual.stageTimestamp()).isEqualTo(expected.stageTimestamp());
      assertThat(actual.auditID()).isEqualTo(expected.auditID());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"level\":\"Metadata\"}",
        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v2\",\"auditID\":\"x\"}"
      })
  void anInvalidItemIsRefusedWithTheReadersReason(String item) {
    String expected = rejections(readAll(list("audit.k8s.io/v1", item))).get(0).reason();
    assertThat(expected).startsWith("items[0]: ");
    assertThatThrownBy(() -> decodeItem("audit.k8s.io/v1", item))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage(expected.substring("items[0]: ".length()));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anItemOverTheEventLimitIsRefusedAsTheReaderRefusesIt(boolean prettyPrinted)
      throws Exception {
    ObjectNode big = v1Event("big");
    // A short string: a long one would leave Jackson's recycled buffers large for this thread,
    // and LimitsTest's string limit is only checked when a buffer grows.
    big.putObject("annotations").put("note", "x".repeat(300));
    String item = prettyPrinted ? pretty(big) : compact(big);
    int compactSize = compact(big).getBytes(StandardCharsets.UTF_8).length;
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(compactSize - 1).build();
    byte[] body = list("audit.k8s.io/v1", item).getBytes(StandardCharsets.UTF_8);
    int start = list("audit.k8s.io/v1", "").length() - 2;
    assertThatThrownBy(
            () ->
                AuditEventReader.decodeListItem(
                    body, start, body.length - 2, "audit.k8s.io/v1", limits))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessageContaining(Integer.toString(compactSize - 1));
    assertThat(JSON.readTree(body)).isNotNull();
  }
}
