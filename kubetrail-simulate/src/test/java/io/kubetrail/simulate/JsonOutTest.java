package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonOutTest {

  /** Go's encoding/json escapes, HTML-safe characters included. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "plain|\"plain\"",
        "a<b|\"a\\u003cb\"",
        "a>b|\"a\\u003eb\"",
        "limit=500&watch=true|\"limit=500\\u0026watch=true\"",
        "say \"hi\"|\"say \\\"hi\\\"\"",
        "back\\slash|\"back\\\\slash\"",
        "caf\u00e9|\"caf\u00e9\"",
        "line\u2028sep|\"line\\u2028sep\"",
      })
  void stringsAreEscapedAsGoDoes(String value, String json) {
    assertThat(JsonOut.quoted(value)).isEqualTo(json);
  }

  @Test
  void controlCharactersUseShortEscapesWhereJsonHasThem() {
    assertThat(JsonOut.quoted("a\nb\tc\rd\u0001e")).isEqualTo("\"a\\nb\\tc\\rd\\u0001e\"");
  }

  @Property
  void anyStringReadsBackTheSame(@ForAll String value) {
    assertThat(Runs.parse(JsonOut.quoted(value)).textValue()).isEqualTo(value);
  }

  @Test
  void commasSeparateMembersAndElementsAtEveryDepth() {
    JsonOut out = new JsonOut(64);
    out.writeStartObject();
    out.writeStringField("a", "x");
    out.writeArrayFieldStart("b");
    out.writeNumber(1);
    out.writeStartObject();
    out.writeEndObject();
    out.writeStartArray();
    out.writeEndArray();
    out.writeNull();
    out.writeEndArray();
    out.writeFieldName("c");
    out.writeRawValue("{\"d\":true}");
    out.writeRawMembers("\"e\":1,\"f\":2");
    out.writeBooleanField("g", false);
    out.writeEndObject();
    assertThat(out.toString())
        .isEqualTo(
            "{\"a\":\"x\",\"b\":[1,{},[],null],\"c\":{\"d\":true},\"e\":1,\"f\":2,\"g\":false}");
  }

  @Test
  void treesKeepTheirFieldOrder() {
    JsonOut out = new JsonOut(64);
    out.writeTree(Json.obj("z", 1, "a", Json.arr("x", null, true), "m", Json.obj()));
    assertThat(out.toString()).isEqualTo("{\"z\":1,\"a\":[\"x\",null,true],\"m\":{}}");
  }
}
