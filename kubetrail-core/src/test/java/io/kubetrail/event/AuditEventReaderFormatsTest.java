package io.kubetrail.event;

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

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditEventReaderFormatsTest {

  @TempDir Path dir;

  @Test
  void jsonLinesKeepEachLineByteForByte() {
    String a = compact(v1Event("a"));
    String b = compact(v1Event("b"));

    List<DecodeResult> results = readAll(a + "\n" + b + "\n");

    assertThat(events(results)).extracting(e -> e.json().toString()).containsExactly(a, b);
    assertThat(results)
        .extracting(DecodeResult::position)
        .containsExactly(new SourcePosition("<test>", 1), new SourcePosition("<test>", 2));
  }

  @Test
  void theModelHoldsTheEventsFields() {
    ObjectNode source = v1Event("id-1");

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(e.level()).isEqualTo(Level.RequestResponse);
    assertThat(e.auditID()).isEqualTo("id-1");
    assertThat(e.stage()).isEqualTo(Stage.ResponseComplete);
    assertThat(e.requestURI()).isEqualTo(source.get("requestURI").asText());
    assertThat(e.verb()).isEqualTo("create");
    assertThat(e.user())
        .contains(
            new UserInfo(
                "alice",
                "u-1",
                List.of("dev", "system:authenticated"),
                Map.of("authentication.kubernetes.io/credential-id", List.of("X509SHA256=ab"))));
    assertThat(e.impersonatedUser()).isEmpty();
    assertThat(e.sourceIPs()).containsExactly("10.0.0.1", "192.168.1.2");
    assertThat(e.userAgent()).isEqualTo(source.get("userAgent").asText());
    assertThat(e.objectRef())
        .contains(new ObjectReference("configmaps", "default", "settings", "", "", "v1", "", ""));
    assertThat(e.responseCode()).isEqualTo(OptionalInt.of(201));
    assertThat(e.requestReceivedTimestamp())
        .isEqualTo(Instant.parse(source.get("requestReceivedTimestamp").asText()));
    assertThat(e.stageTimestamp()).isEqualTo(Instant.parse(source.get("stageTimestamp").asText()));
    assertThat(e.annotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("authorization.k8s.io/decision", "allow", "authorization.k8s.io/reason", ""));
    assertThat(e.authorizationDecision()).contains("allow");
  }

  @Test
  void optionalFieldsMayBeAbsent() {
    ObjectNode source = v1Event("x");
    for (String field :
        List.of(
            "user",
            "sourceIPs",
            "userAgent",
            "objectRef",
            "responseStatus",
            "annotations",
            "requestObject",
            "responseObject")) {
      source.remove(field);
    }

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(e.user()).isEmpty();
    assertThat(e.sourceIPs()).isEmpty();
    assertThat(e.userAgent()).isEmpty();
    assertThat(e.objectRef()).isEmpty();
    assertThat(e.isResourceRequest()).isFalse();
    assertThat(e.responseCode()).isEmpty();
    assertThat(e.annotations()).isEmpty();
  }

  @Test
  void failedAuthenticationHasNoUser() {
    ObjectNode source = v1Event("x");
    source.putObject("user");
    source.putObject("impersonatedUser");

    AuditEvent e = events(readAll(compact(source))).get(0);

    assertThat(e.user()).isEqualTo(Optional.empty());
    assertThat(e.impersonatedUser()).isEqualTo(Optional.empty());
  }

  @Test
  void blankLinesCrlfAndByteOrderMarkAreTolerated() {
    String a = compact(v1Event("a"));
    String b = compact(v1Event("b"));
    String text = "\uFEFF" + a + "\r\n\r\n  \t\r\n\n" + b + "\r\n   \r\n";

    List<DecodeResult> results = readAll(text);

    assertThat(rejections(results)).isEmpty();
    assertThat(events(results)).extracting(e -> e.json().toString()).containsExactly(a, b);
    assertThat(results).extracting(r -> r.position().line()).containsExactly(1L, 5L);
  }

  @Test
  void prettyPrintedEventsOneAfterAnotherComeOutCompact() {
    ObjectNode a = v1Event("a");
    ObjectNode b = v1Event("b");
    String text = pretty(a) + "\n" + pretty(b) + "\n";

    List<DecodeResult> results = readAll(text);

    assertThat(events(results))
        .extracting(e -> e.json().toString())
        .containsExactly(compact(a), compact(b));
    long secondStart =
        text.substring(0, text.indexOf(pretty(b))).chars().filter(c -> c == '\n').count() + 1;
    assertThat(results).extracting(r -> r.position().line()).containsExactly(1L, secondStart);
  }

  @Test
  void anEventListOnOneLineGivesItsItemsThenReadingGoesOn() {
    ObjectNode a = v1Event("a");
    ObjectNode b = v1Event("b");
    ObjectNode c = v1Event("c");
    String text = compact(eventList("audit.k8s.io/v1", List.of(a, b))) + "\n" + compact(c) + "\n";

    List<DecodeResult> results = readAll(text);

    assertThat(events(results))
        .extracting(e -> e.json().toString())
        .containsExactly(compact(a), compact(b), compact(c));
    assertThat(results).extracting(r -> r.position().line()).containsExactly(1L, 1L, 2L);
  }

  @Test
  void aPrettyPrintedEventListGivesItemsAtTheirLines() {
    String a = pretty(v1Event("a")).replace("\n", "\n    ");
    String b = pretty(v1Event("b")).replace("\n", "\n    ");
    String head = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n";
    String text = head + "  \"items\": [\n    " + a + ",\n    " + b + "\n  ]\n}\n";
    long firstLine = lines(head) + 2;
    long secondLine = firstLine + lines(a) + 1;

    List<DecodeResult> results = readAll(text);

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b");
    assertThat(results).extracting(r -> r.position().line()).containsExactly(firstLine, secondLine);
  }

  private static long lines(String s) {
    return s.chars().filter(c -> c == '\n').count();
  }

  @Test
  void aLargeEventListIsStreamedItemByItem() throws IOException {
    int items = 3000;
    AtomicLong served = new AtomicLong();
    byte[] item = utf8(pretty(v1Event("item")).replace("\n", "\n    "));
    Enumeration<InputStream> parts =
        new Enumeration<>() {
          int next = -1;

          @Override
          public boolean hasMoreElements() {
            return next <= items;
          }

          @Override
          public InputStream nextElement() {
            byte[] part;
            if (next == -1) {
              part =
                  utf8(
                      "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": [\n    ");
            } else if (next == items) {
              part = utf8("\n  ]\n}\n");
            } else {
              byte[] sep = utf8(next == 0 ? "" : ",\n    ");
              part = Arrays.copyOf(sep, sep.length + item.length);
              System.arraycopy(item, 0, part, sep.length, item.length);
            }
            next++;
            served.addAndGet(part.length);
            return new ByteArrayInputStream(part);
          }
        };
    long total = 0;
    try (AuditEventReader reader =
        AuditEventReader.of(new SequenceInputStream(parts), "<list>", DecodeLimits.defaults())) {
      Optional<DecodeResult> first = reader.read();
      assertThat(first).get().isInstanceOf(DecodeResult.Decoded.class);
      // The first item came out long before the list was read.
      assertThat(served.get()).isLessThan((long) item.length * items / 4);
      total = 1 + Fixtures.drain(reader).size();
    }
    assertThat(total).isEqualTo(items);
  }

  @Test
  void aJsonArrayOfEventsIsReadLikeAnEventList() {
    ObjectNode a = v1Event("a");
    ObjectNode b = v1Event("b");
    String text = "[" + compact(a) + ",\n" + compact(b) + "]\n";

    assertThat(events(readAll(text))).extracting(AuditEvent::auditID).containsExactly("a", "b");
  }

  @Test
  void gzipIsDetectedByItsMagicBytes() throws IOException {
    String a = compact(v1Event("a"));
    String b = compact(v1Event("b"));

    List<DecodeResult> results = readAll(gzip(utf8(a + "\n" + b + "\n")), DecodeLimits.defaults());

    assertThat(events(results)).extracting(e -> e.json().toString()).containsExactly(a, b);
  }

  @Test
  void gzipFilesAreReadByName() throws IOException {
    String a = compact(v1Event("a"));
    Path file = dir.resolve("audit-2026-01-01T00-00-00.000.log.gz");
    Files.write(file, gzip(utf8(a + "\n")));

    List<DecodeResult> results = Fixtures.readAll(file, DecodeLimits.defaults());

    assertThat(events(results)).extracting(e -> e.json().toString()).containsExactly(a);
    assertThat(results.get(0).position().source()).isEqualTo(file.toString());
  }

  @Test
  void concatenatedGzipMembersAreReadInTurn() throws IOException {
    String a = compact(v1Event("a"));
    String b = compact(v1Event("b"));
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(gzip(utf8(a + "\n")));
    both.write(gzip(utf8(b + "\n")));

    List<DecodeResult> results = readAll(both.toByteArray(), DecodeLimits.defaults());

    assertThat(events(results)).extracting(AuditEvent::auditID).containsExactly("a", "b");
  }

  @Test
  void aGzNamedFileThatIsNotGzipDoesNotOpen() throws IOException {
    Path file = dir.resolve("audit.log.gz");
    Files.write(file, utf8(compact(v1Event("a")) + "\n"));

    assertThatThrownBy(() -> AuditEventReader.open(file, DecodeLimits.defaults()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString() + ": gzip data is corrupt");
  }

  @Test
  void truncatedGzipKeepsWhatCameBeforeAndSaysWhy() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      text.append(compact(v1Event("e" + i))).append('\n');
    }
    byte[] whole = gzip(utf8(text.toString()));
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);

    List<DecodeResult> results = readAll(cut, DecodeLimits.defaults());

    List<AuditEvent> events = events(results);
    assertThat(events).isNotEmpty().hasSizeLessThan(200);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).auditID()).isEqualTo("e" + i);
    }
    DecodeResult last = results.get(results.size() - 1);
    assertThat(last).isInstanceOf(DecodeResult.Rejected.class);
    assertThat(((DecodeResult.Rejected) last).reason())
        .isEqualTo(
            "gzip data is truncated (Unexpected end of ZLIB input stream);"
                + " the rest of the input cannot be read");
  }

  @Test
  void aStreamThatTricklesGivesTheSameResults() {
    ObjectNode a = v1Event("a");
    String text =
        compact(a)
            + "\n"
            + pretty(v1Event("b"))
            + "\n"
            + compact(eventList("audit.k8s.io/v1", List.of(v1Event("c"), v1Event("d"))))
            + "\n{\"kind\": 0}\n";
    byte[] data = utf8(text);

    List<DecodeResult> whole = readAll(data, DecodeLimits.defaults());
    List<DecodeResult> trickled =
        readAll(Fixtures.trickle(data, new Random(7), 1), DecodeLimits.defaults());

    assertThat(trickled).isEqualTo(whole);
    assertThat(events(whole)).extracting(AuditEvent::auditID).containsExactly("a", "b", "c", "d");
  }

  @Test
  void bytesReadCountsTheDecompressedInput() throws IOException {
    byte[] data = utf8(compact(v1Event("a")) + "\n" + compact(v1Event("b")) + "\n");
    try (AuditEventReader reader =
        AuditEventReader.of(
            new ByteArrayInputStream(gzip(data)), "<test>", DecodeLimits.defaults())) {
      assertThat(reader.bytesRead()).isZero();
      Fixtures.drain(reader);
      assertThat(reader.bytesRead()).isEqualTo(data.length);
    }
  }

  @Test
  void emptyInputHasNoRecords() {
    assertThat(readAll("")).isEmpty();
    assertThat(readAll("\n\r\n  \n")).isEmpty();
    assertThat(readAll(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, DecodeLimits.defaults()))
        .isEmpty();
  }

  @Test
  void aClosedReaderRefusesToRead() throws IOException {
    AuditEventReader reader =
        AuditEventReader.of(
            new ByteArrayInputStream(new byte[0]), "<test>", DecodeLimits.defaults());
    reader.close();
    assertThatThrownBy(reader::read).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theFactoriesRejectNulls() {
    assertThatThrownBy(() -> AuditEventReader.of(null, "x", DecodeLimits.defaults()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AuditEventReader.of(new ByteArrayInputStream(new byte[0]), "x", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AuditEventReader.decode(null, DecodeLimits.defaults()))
        .isInstanceOf(NullPointerException.class);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
