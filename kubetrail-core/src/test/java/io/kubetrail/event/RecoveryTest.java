package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.events;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.readAll;
import static io.kubetrail.event.Fixtures.rejections;
import static io.kubetrail.event.Fixtures.v1Event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad JSON costs only the record it is in, and the reader says what and where. */
class RecoveryTest {
  private static final String A = compact(v1Event("a"));
  private static final String B = compact(v1Event("b"));
  private static final String C = compact(v1Event("c"));

  @Test
  void aMalformedLineRejectsThatLineOnly() {
    String broken = "{\"kind\":\"Event\",,\"auditID\":\"x\"}";

    List<DecodeResult> results = readAll(A + "\n" + broken + "\n" + B + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b");
    assertThat(rejections(results))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(2);
              assertThat(r.reason())
                  .startsWith("malformed JSON at line 2, column 17: Unexpected character (','")
                  .contains("was expecting double-quote to start field name");
            });
  }

  @Test
  void aLineCutInsideAStringRejectsThatLineOnly() {
    String cut = A.substring(0, A.indexOf("\"verb\"") + 4);

    List<DecodeResult> results = readAll(A + "\n" + cut + "\n" + B + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b");
    assertThat(rejections(results)).extracting(r -> r.position().line()).containsExactly(2L);
  }

  @Test
  void aLineCutBetweenFieldsDoesNotSwallowTheNextLines() {
    String cutAfterComma = A.substring(0, A.indexOf("\"verb\""));
    String cutBeforeValue = A.substring(0, A.indexOf("\"user\":") + 7);

    List<DecodeResult> results =
        readAll(
            A
                + "\n"
                + cutAfterComma
                + "\n"
                + B
                + "\n"
                + cutBeforeValue
                + "\n"
                + C
                + "\n"
                + A
                + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b", "c", "a");
    assertThat(rejections(results)).extracting(r -> r.position().line()).containsExactly(2L, 4L);
  }

  @Test
  void anIncompleteLastLineIsRejected() {
    String cut = A.substring(0, A.indexOf("\"verb\""));

    List<DecodeResult> results = readAll(A + "\n" + cut);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a");
    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .containsExactly("<test>:2: incomplete JSON: the line ends before the value does");
  }

  @Test
  void contentAfterAValueOnItsLineIsRejectedOnItsOwn() {
    List<DecodeResult> results = readAll(A + " xyz\n" + B + B + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b", "b");
    assertThat(rejections(results))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(1);
              assertThat(r.reason())
                  .startsWith("malformed JSON at line 1, column ")
                  .contains("'xyz'");
            });
  }

  @Test
  void controlCharactersInBadInputAreEscapedInTheReason() {
    List<DecodeResult> results = readAll("ab\u0001\u001bcd\n" + A + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a");
    assertThat(rejections(results))
        .singleElement()
        .extracting(DecodeResult.Rejected::reason)
        .asString()
        .doesNotContain("\u0001", "\u001b")
        .contains("\\u0001");
  }

  @Test
  void aBrokenDocumentIsSkippedToTheNextOne() {
    String broken = pretty(v1Event("broken")).replace("\"verb\" :", "\"verb\"");
    String text = pretty(v1Event("a")) + "\n" + broken + "\n" + pretty(v1Event("b")) + "\n";
    long brokenLine = lines(pretty(v1Event("a"))) + 2;
    long nextLine = brokenLine + lines(broken) + 1;

    List<DecodeResult> results = readAll(text);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b");
    assertThat(rejections(results))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(brokenLine);
              assertThat(r.reason())
                  .startsWith("malformed JSON at line ")
                  .contains("was expecting a colon to separate field name and value")
                  .endsWith("; skipped to line " + nextLine + ", where the next document starts");
            });
  }

  @Test
  void aBrokenDocumentWithNothingAfterItEndsTheInputAndSaysSo() {
    String broken = pretty(v1Event("broken")).replace("\"verb\" :", "\"verb\"");

    List<DecodeResult> results = readAll(pretty(v1Event("a")) + "\n" + broken + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a");
    assertThat(rejections(results))
        .singleElement()
        .extracting(DecodeResult.Rejected::reason)
        .asString()
        .endsWith("; no document starts after it, so the rest of the input is skipped");
  }

  @Test
  void anUnfinishedDocumentIsReportedWhereTheInputEnds() {
    String whole = pretty(v1Event("cut"));
    String cut = whole.substring(0, whole.indexOf("\"verb\""));
    String text = A + "\n" + cut;

    List<DecodeResult> results = readAll(text);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a");
    assertThat(rejections(results))
        .singleElement()
        .extracting(DecodeResult.Rejected::toString)
        .asString()
        .startsWith("<test>:2: incomplete JSON: the input ends at line " + (lines(text) + 1))
        .endsWith("inside the document that starts at line 2");
  }

  @Test
  void aSyntaxErrorInsideAPrettyEventListSkipsToTheNextDocument() {
    String list =
        "{\n\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\n  "
            + A
            + ",\n  "
            + B.replace("\"verb\":", "\"verb\"")
            + ",\n  "
            + C
            + "]}\n";

    List<DecodeResult> results = readAll(list + A + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "a");
    assertThat(rejections(results))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(4);
              assertThat(r.reason())
                  .startsWith("items[1]: malformed JSON at line 4, column ")
                  .endsWith("; skipped to line 6, where the next document starts");
            });
  }

  @Test
  void aSyntaxErrorInsideAnEventListOnJsonLinesResumesAfterIt() {
    String list =
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\n"
            + A
            + ",\n"
            + B.replace("\"verb\":", "\"verb\"")
            + ",\n"
            + C
            + "]}\n";

    List<DecodeResult> results = readAll(list + A + "\n");

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "c", "a");
    assertThat(rejections(results)).extracting(r -> r.position().line()).containsExactly(3L, 4L);
  }

  @Test
  void aCutOffDocumentDoesNotSwallowTheOneAfterIt() {
    String cut = "{\n  \"kind\": \"Event\",\n  \"verb\":\n";
    String b = pretty(v1Event("b"));
    String text = cut + b + "\n" + pretty(v1Event("c")) + "\n";

    List<DecodeResult> results = readAll(text);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("b", "c");
    assertThat(rejections(results))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(1);
              assertThat(r.reason())
                  .endsWith("; reading resumes at line 4, where a new document starts");
            });
  }

  @Test
  void aCutOffDocumentThatStillParsesGivesBackWhatItSwallowed() {
    String text = "{\n  \"kind\": \"Event\",\n  \"verb\":\n" + pretty(v1Event("b")) + "\n}\n";

    List<DecodeResult> results = readAll(text);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("b");
    assertThat(rejections(results))
        .extracting(DecodeResult.Rejected::toString)
        .first()
        .asString()
        .startsWith("<test>:1: verb: expected string, got object")
        .endsWith("; reading resumes at line 4, where a new document starts");
  }

  @Test
  void valuesBackToBackOnOneLineAreAllRead() {
    List<DecodeResult> results = readAll(A + B + "\n" + pretty(v1Event("c")) + A + "\n");

    assertThat(rejections(results)).isEmpty();
    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b", "c", "a");
  }

  private static long lines(String s) {
    return s.chars().filter(c -> c == '\n').count();
  }
}
