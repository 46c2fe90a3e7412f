package io.kubetrail.event;

import static io.kubetrail.event.Fixtures.JSON;
import static io.kubetrail.event.Fixtures.compact;
import static io.kubetrail.event.Fixtures.pretty;
import static io.kubetrail.event.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinifierTest {

  @Property(tries = 500)
  void minifyingPrettyJsonGivesTheCompactForm(@ForAll("values") JsonNode value) {
    assertThat(minify(utf8(pretty(value)))).isEqualTo(compact(value));
  }

  @Property(tries = 500)
  void textSplitAnywhereMinifiesTheSame(@ForAll("values") JsonNode value, @ForAll long seed) {
    byte[] text = utf8(pretty(value));
    Random random = new Random(seed);
    Minifier minifier = new Minifier();
    ByteSink out = new ByteSink(16);
    out.reset(Integer.MAX_VALUE);
    for (int at = 0; at < text.length; ) {
      int next = Math.min(text.length, at + 1 + random.nextInt(8));
      minifier.append(text, at, next, out);
      at = next;
    }
    assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(compact(value));
  }

  /**
   * certainlyCompact may raise false alarms, but must never say "compact" of text the minifier
   * changes. Coverage makes sure both kinds of text are tried often: text with whitespace to drop
   * (where a wrong "compact" would show) and text judged compact: 113 to 130 of the 1,000 in six
   * runs, so a bound of 10% sat two standard deviations below and failed now and then; 5% does not.
   */
  @Property(tries = 1000)
  void certainlyCompactTextHasNothingToDrop(@ForAll("values") JsonNode value, @ForAll long seed) {
    byte[] text = utf8(withRandomWhitespace(compact(value), new Random(seed)));
    String original = new String(text, StandardCharsets.UTF_8);

    boolean saysCompact = Minifier.certainlyCompact(text, 0, text.length);
    boolean minifierDrops = !minify(text).equals(original);
    assertThat(saysCompact && minifierDrops)
        .as("certainlyCompact says %s has nothing to drop", original)
        .isFalse();
    Statistics.label("whitespace to drop").collect(minifierDrops);
    Statistics.label("judged compact").collect(saysCompact);
    Statistics.label("whitespace to drop").coverage(c -> c.check(true).percentage(p -> p > 30));
    Statistics.label("judged compact").coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  @Property(tries = 300)
  void compactTextWithoutTrickyStringsIsRecognised(@ForAll("values") JsonNode value) {
    byte[] text = utf8(compact(value));

    assertThat(Minifier.certainlyCompact(text, 0, text.length)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{ \"a\":1}",
        "{\"a\" :1}",
        "{\"a\": 1}",
        "{\"a\":1 }",
        "{\"a\":1 ,\"b\":2}",
        "{\"a\":1, \"b\":2}",
        "{\"a\":\"x\", \"b\":2}",
        "{\"a\":true, \"b\":2}",
        "{\"a\":null, \"b\":2}",
        "{\"a\":[1 ]}",
        "{\"a\":[ 1]}",
        "{\"a\":{}\t}",
        "{\"a\":{\n}}",
        "{\"a\":[1, 2]}",
        "{\"a\":[\"x\",\r\n\"y\"]}"
      })
  void whitespaceBetweenTokensIsNeverMissed(String text) {
    byte[] bytes = utf8(text);
    assertThat(Minifier.certainlyCompact(bytes, 0, bytes.length)).isFalse();
  }

  @Provide
  Arbitrary<JsonNode> values() {
    return objects(3).map(o -> (JsonNode) o);
  }

  private static Arbitrary<ObjectNode> objects(int depth) {
    return Combinators.combine(names(), value(depth))
        .as(Map::entry)
        .list()
        .ofMaxSize(5)
        .map(
            entries -> {
              ObjectNode o = JSON.createObjectNode();
              entries.forEach(e -> o.set(e.getKey(), e.getValue()));
              return o;
            });
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
  }

  // Strings avoid the spots certainlyCompact may not tell from structure (its false alarms are
  // allowed; see whitespaceBetweenTokensIsNeverMissed and the first properties for correctness).
  private static Arbitrary<JsonNode> value(int depth) {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars(' ', '\\', '"', '/', '\u00e9', '\u4e16', ':', ',')
                .ofMaxLength(12)
                .filter(s -> !s.matches("(?s).*[\\[\\]{}:,] .*|.* [\\]},:].*|^ .*|.* $"))
                .map(JSON::valueToTree),
            Arbitraries.integers().map(JSON::valueToTree),
            Arbitraries.doubles().between(-1e6, 1e6).map(JSON::valueToTree),
            Arbitraries.of(true, false).map(JSON::valueToTree),
            Arbitraries.just(JSON.nullNode()));
    if (depth == 0) {
      return scalars;
    }
    Arbitrary<JsonNode> arrays =
        value(depth - 1).list().ofMaxSize(3).map(l -> JSON.createArrayNode().addAll(l));
    return Arbitraries.frequencyOf(
        Tuple.of(4, scalars), Tuple.of(1, arrays), Tuple.of(1, objects(depth - 1).map(o -> o)));
  }

  private static String withRandomWhitespace(String compact, Random random) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    boolean escaped = false;
    // Only between tokens, where JSON allows it, and inside the value: callers pass exactly the
    // value.
    char last = 0;
    for (char c : compact.toCharArray()) {
      boolean betweenTokens = "{}[]:,".indexOf(c) >= 0 || "{}[]:,".indexOf(last) >= 0;
      last = inString ? 0 : c;
      if (!inString && betweenTokens && out.length() > 0 && random.nextInt(4) == 0) {
        out.append(" \t\r\n".charAt(random.nextInt(4)));
      }
      out.append(c);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      }
    }
    return out.toString();
  }

  private static String minify(byte[] text) {
    ByteSink out = new ByteSink(16);
    out.reset(Integer.MAX_VALUE);
    new Minifier().append(text, 0, text.length, out);
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }
}
