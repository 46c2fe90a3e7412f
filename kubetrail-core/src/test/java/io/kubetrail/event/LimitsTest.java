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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each limit rejects what breaks it, naming the value, the limit and the setting. */
class LimitsTest {

  @Test
  void anOversizedEventLineIsRejected() {
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(1000).build();
    String big = compact(withPadding(v1Event("big"), 2000));
    String good = compact(v1Event("good"));

    List<DecodeResult> results = readAll(utf8(big + "\n" + good + "\n"), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            "<test>:1: event is "
                + utf8(big).length
                + " bytes, over the limit of 1000 bytes (raise it with --max-event-bytes)");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("good");
  }

  @Test
  void anOversizedEventListItemIsRejectedByItsCompactSize() {
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(1000).build();
    ObjectNode big = withPadding(v1Event("big"), 2000);
    String text = pretty(eventList("audit.k8s.io/v1", List.of(big, v1Event("good"))));

    List<DecodeResult> results = readAll(utf8(text), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "items[0]: event is "
                + utf8(compact(big)).length
                + " bytes, over the limit of 1000 bytes (raise it with --max-event-bytes)");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("good");
  }

  @Test
  void anOversizedPrettyPrintedEventIsRejectedByItsCompactSize() {
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(1000).build();
    ObjectNode big = withPadding(v1Event("big"), 2000);

    List<DecodeResult> results =
        readAll(utf8(pretty(big) + "\n" + pretty(v1Event("good"))), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "event is "
                + utf8(compact(big)).length
                + " bytes, over the limit of 1000 bytes (raise it with --max-event-bytes)");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("good");
  }

  @Test
  void aStringLongerThanAnyEventEndsItsEventList() {
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(1000).build();
    ObjectNode big = v1Event("big");
    big.put("padding", "x".repeat(5000));
    String list = pretty(eventList("audit.k8s.io/v1", List.of(big, v1Event("lost"))));
    String text = list + "\n" + pretty(v1Event("after"));
    long nextDocument = list.chars().filter(c -> c == '\n').count() + 2;

    List<DecodeResult> results = readAll(utf8(text), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "items[0]: event holds a string longer than the limit of 1000 bytes for a whole event"
                + " (raise it with --max-event-bytes); skipped to line "
                + nextDocument
                + ", where the next document starts");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("after");
  }

  @Test
  void anOverlongLineIsSkippedWithoutBeingBuffered() {
    // Longer than the heap the tests run with: buffering it would fail.
    long length = 1L << 31;
    DecodeLimits limits = DecodeLimits.builder().maxLineBytes(1 << 20).build();
    String good = compact(v1Event("good"));
    InputStream in =
        new SequenceInputStream(
            new SequenceInputStream(
                new ByteArrayInputStream(utf8(good + "\n")), repeated('x', length)),
            new ByteArrayInputStream(utf8("\r\n" + good + "\n")));

    List<DecodeResult> results = readAll(in, limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            "<test>:2: line is "
                + length
                + " bytes, over the limit of 1048576 bytes (raise it with --max-line-bytes)");
    assertThat(results).extracting(r -> r.position().line()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aLineOverTheLimitIsRejectedEvenWhenItFitsTheBuffer() {
    DecodeLimits limits = DecodeLimits.builder().maxLineBytes(1000).build();
    String big = compact(withPadding(v1Event("big"), 2000));
    String good = compact(v1Event("good"));

    List<DecodeResult> results = readAll(utf8(good + "\n" + big + "\r\n" + good + "\n"), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            "<test>:2: line is "
                + utf8(big).length
                + " bytes, over the limit of 1000 bytes (raise it with --max-line-bytes)");
    assertThat(events(results)).hasSize(2);
  }

  @Test
  void tooDeepNestingIsRejectedOnALine() {
    DecodeLimits limits = DecodeLimits.builder().maxNestingDepth(10).build();
    // The event is depth 1, requestObject 2, then nine arrays: 11.
    String deep = compact(withNesting(v1Event("deep"), 9));
    String fine = compact(withNesting(v1Event("fine"), 8));

    List<DecodeResult> results = readAll(utf8(deep + "\n" + fine + "\n"), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            "<test>:1: nesting depth 11 is over the limit of 10 (raise it with"
                + " --max-nesting-depth)");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("fine");
  }

  @Test
  void tooDeepNestingCountsFromTheItemInAnEventList() {
    DecodeLimits limits = DecodeLimits.builder().maxNestingDepth(10).build();
    String text =
        compact(
                eventList(
                    "audit.k8s.io/v1",
                    List.of(withNesting(v1Event("fine"), 8), withNesting(v1Event("deep"), 9))))
            + "\n"
            + compact(v1Event("after"))
            + "\n";

    List<DecodeResult> results = readAll(utf8(text), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::reason)
        .containsExactly(
            "items[1]: nesting depth 11 is over the limit of 10 (raise it with --max-nesting-depth)");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("fine", "after");
  }

  @Test
  void tooDeepNestingInAPrettyDocumentSkipsToTheNextDocument() {
    DecodeLimits limits = DecodeLimits.builder().maxNestingDepth(10).build();
    String deep = pretty(withNesting(v1Event("deep"), 30));
    String text = deep + "\n" + pretty(v1Event("after"));
    long nextDocument = deep.chars().filter(c -> c == '\n').count() + 2;

    List<DecodeResult> results = readAll(utf8(text), limits);

    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly(
            "<test>:1: nesting depth 11 is over the limit of 10 (raise it with"
                + " --max-nesting-depth); skipped to line "
                + nextDocument
                + ", where the next document starts");
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("after");
  }

  @Test
  void decodeAppliesTheLimitsToo() {
    DecodeLimits limits = DecodeLimits.builder().maxEventBytes(1000).maxNestingDepth(10).build();
    byte[] big = utf8(compact(withPadding(v1Event("big"), 2000)));
    byte[] deep = utf8(compact(withNesting(v1Event("deep"), 9)));

    assertThatThrownBy(() -> AuditEventReader.decode(big, limits))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage(
            "event is "
                + big.length
                + " bytes, over the limit of 1000 bytes (raise it with --max-event-bytes)");
    assertThatThrownBy(() -> AuditEventReader.decode(deep, limits))
        .isInstanceOf(AuditDecodeException.class)
        .hasMessage("nesting depth 11 is over the limit of 10 (raise it with --max-nesting-depth)");
  }

  @Test
  void limitsRejectSettingsThatCouldNeverWork() {
    assertThatThrownBy(() -> DecodeLimits.builder().maxEventBytes(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEventBytes (--max-event-bytes) must be at least 64, was 10");
  }

  private static ObjectNode withPadding(ObjectNode event, int bytes) {
    ((ObjectNode) event.get("requestObject")).put("padding", "p".repeat(bytes));
    return event;
  }

  private static ObjectNode withNesting(ObjectNode event, int arrays) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode inner = body.putArray("nested");
    for (int i = 1; i < arrays; i++) {
      inner = inner.addArray();
    }
    inner.add(1);
    event.set("requestObject", body);
    return event;
  }

  private static InputStream repeated(char c, long length) {
    return new InputStream() {
      private long left = length;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) c);
        left -= n;
        return n;
      }
    };
  }
}
