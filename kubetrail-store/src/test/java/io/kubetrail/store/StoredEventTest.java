package io.kubetrail.store;

import static io.kubetrail.store.TestEvents.T0;
import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoredEventTest {

  private static StoredEvent withRaw(String json) {
    StoredEvent base = event("a").build();
    return new StoredEvent(
        "prod", "web", T0, base.event().withLevelAndJson(base.event().level(), RawJson.of(json)));
  }

  /** Top-level fields of a JSON object, as raw text, in order. */
  private static Map<String, String> topLevel(String json) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (JsonParser p = new JsonFactory().createParser(bytes)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        if (p.currentToken().isScalarValue()) {
          fields.put(name, p.getText());
        } else {
          int end = (int) p.currentLocation().getByteOffset();
          fields.put(
              name, new String(bytes, start, end - start, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(p.nextToken()).isNull();
    }
    return fields;
  }

  @Test
  void jsonIsTheRawEventPlusTheStoredFields() throws IOException {
    StoredEvent e = event("a").extraField("kept").generated(T0.plusMillis(1500)).build();
    String json = e.toJson();
    String raw = e.event().json().toString();
    // The raw event's bytes are copied unchanged, the new fields follow.
    assertThat(json).startsWith(raw.substring(0, raw.length() - 1) + ",");
    Map<String, String> fields = topLevel(json);
    assertThat(fields)
        .containsEntry("cluster", "prod")
        .containsEntry("name", "web")
        .containsEntry("generated_time", "2026-01-01T00:00:01.500Z")
        .containsEntry("x-extra", "kept")
        .containsEntry("auditID", "a");
  }

  @Test
  void existingTopLevelFieldsOfTheSameNamesAreReplaced() throws IOException {
    StoredEvent e =
        withRaw(
            "{\"cluster\":\"old\",\"a\":1,\"name\":{\"x\":[1,2]},\"b\":2,\"generated_time\":\"x\"}");
    assertThat(e.toJson())
        .isEqualTo(
            "{\"a\":1,\"b\":2,\"cluster\":\"prod\",\"name\":\"web\","
                + "\"generated_time\":\"2026-01-01T00:00:00Z\"}");
  }

  @Test
  void nestedFieldsWithTheSameNamesStay() {
    StoredEvent e = withRaw("{\"objectRef\":{\"name\":\"inner\",\"cluster\":\"c\"}}");
    assertThat(e.toJson())
        .startsWith("{\"objectRef\":{\"name\":\"inner\",\"cluster\":\"c\"},\"cluster\":\"prod\"");
  }

  @Test
  void whitespaceNumbersAndEscapesAreCopiedExactly() {
    String raw = "{ \"n\" : 1.50e+3 ,\n  \"s\": \"tab\\tquote\\\" \\u00e9\" ,\"z\":[ ] }";
    assertThat(withRaw(raw).toJson())
        .isEqualTo(
            "{\"n\" : 1.50e+3,\"s\": \"tab\\tquote\\\" \\u00e9\",\"z\":[ ],\"cluster\":\"prod\","
                + "\"name\":\"web\",\"generated_time\":\"2026-01-01T00:00:00Z\"}");
  }

  @Test
  void valuesAreEscaped() throws IOException {
    StoredEvent base = event("a").build();
    StoredEvent e = new StoredEvent("c\"1\\", "name\nwith newline", T0, base.event());
    Map<String, String> fields = topLevel(e.toJson());
    assertThat(fields)
        .containsEntry("cluster", "c\"1\\")
        .containsEntry("name", "name\nwith newline");
  }

  @Test
  void anEmptyObjectGetsOnlyTheStoredFields() {
    assertThat(withRaw("{}").toJson())
        .isEqualTo(
            "{\"cluster\":\"prod\",\"name\":\"web\",\"generated_time\":\"2026-01-01T00:00:00Z\"}");
  }

  @Test
  void aRawEventThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> withRaw("[1,2]").toJson())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void clusterMustNotBeEmpty() {
    StoredEvent base = event("a").build();
    assertThatThrownBy(() -> new StoredEvent("", "n", T0, base.event()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} {1} {2} dryRun={3} -> {4}")
  @CsvSource({
    "ResponseComplete, create, 201, false, true",
    "ResponseComplete, update, 200, false, true",
    "ResponseComplete, patch, 200, false, true",
    "ResponseComplete, delete, 200, false, true",
    "ResponseComplete, delete, 202, false, true",
    "ResponseComplete, deletecollection, 200, false, true",
    "ResponseComplete, get, 200, false, false",
    "ResponseComplete, create, 403, false, false",
    "ResponseComplete, create, 409, false, false",
    "ResponseComplete, create, 201, true, false",
    "ResponseStarted, create, 201, false, false",
    "RequestReceived, create, 201, false, false",
    "Panic, create, 500, false, false",
  })
  void changeIsACompletedSuccessfulWriteThatIsNotADryRun(
      Stage stage, String verb, int code, boolean dryRun, boolean change) {
    TestEvents.Builder b = event("a").stage(stage).verb(verb).code(code);
    if (dryRun) {
      b.dryRun();
    }
    assertThat(b.build().isChange()).isEqualTo(change);
  }

  @Test
  void aCompletedWriteWithoutAResponseCodeIsNoChange() {
    assertThat(event("a").noCode().build().isChange()).isFalse();
  }
}
