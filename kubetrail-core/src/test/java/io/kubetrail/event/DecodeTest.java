package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.utf8;
import static io.kubetrail.event.Fixtures.v1Event;
import static io.kubetrail.event.Fixtures.v1beta1Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AuditEventReader#decode}: one document, one Event. */
class DecodeTest {

  @Test
  void aCompactEventKeepsItsBytes() throws AuditDecodeException {
    String json = compact(v1Event("a"));

    AuditEvent e =
        AuditEventReader.decode(utf8("\uFEFF  " + json + "\r\n"), DecodeLimits.defaults());

    assertThat(e.auditID()).isEqualTo("a");
    assertThat(e.json().toString()).isEqualTo(json);
  }

  @Test
  void aPrettyPrintedEventComesOutCompact() throws AuditDecodeException {
    AuditEvent e = AuditEventReader.decode(utf8(pretty(v1Event("a"))), DecodeLimits.defaults());

    assertThat(e.json().toString()).isEqualTo(compact(v1Event("a")));
  }

  @Test
  void olderVersionsAreConverted() throws AuditDecodeException {
    AuditEvent e =
        AuditEventReader.decode(utf8(compact(v1beta1Event("b"))), DecodeLimits.defaults());

    assertThat(e.requestReceivedTimestamp())
        .isEqualTo(Instant.parse(v1beta1Event("b").get("timestamp").asText()));
    assertThat(Fixtures.tree(e.json()).get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
  }

  @Test
  void anEventListIsNotAnEvent() {
    byte[] list = utf8(compact(Fixtures.eventList("audit.k8s.io/v1", List.of(v1Event("a")))));

    assertThatThrownBy(() -> AuditEventReader.decode(list, DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage("kind: expected string \"Event\", got \"EventList\"");
    assertThatThrownBy(() -> AuditEventReader.decode(utf8("[{}]"), DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage("expected an Event object, got array");
  }

  @Test
  void contentAfterTheEventIsAnError() {
    String json = compact(v1Event("a"));

    assertThatThrownBy(
            () -> AuditEventReader.decode(utf8(json + "\n  {}"), DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage("unexpected content after the event at line 2, column 3");
  }

  @Test
  void malformedJsonSaysWhere() {
    byte[] text = utf8("\n{\n  \"kind\" \"Event\"\n}");

    assertThatThrownBy(() -> AuditEventReader.decode(text, DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessageStartingWith("malformed JSON at line 3, column 10: Unexpected character")
        .hasMessageContaining("was expecting a colon");
  }

  @Test
  void nothingIsNotAnEvent() {
    assertThatThrownBy(() -> AuditEventReader.decode(utf8(" \n "), DecodeLimits.defaults()))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage("no JSON value: expected an Event");
  }
}
