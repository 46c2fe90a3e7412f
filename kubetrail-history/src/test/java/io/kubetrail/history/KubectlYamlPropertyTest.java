package io.kubetrail.history;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link KubectlYaml} writes what the YAML generator configured as kubectl prints (SnakeYAML's
 * emitter behind Jackson, the writer it replaces) writes, byte for byte, on random JSON trees with
 * awkward strings: YAML 1.1 booleans and nulls, numbers as strings, leading and trailing spaces,
 * indicators, quotes, escapes, unicode, line breaks, long lines that fold, long and multi-line
 * keys, empty strings, maps and lists. What it writes reads back as the tree it was given (but for
 * what YAML 1.1 cannot carry: unpaired surrogates, {@code \r} and the other line breaks, and
 * strings both writers leave plain that readers take for numbers, such as {@code 1_000}). All
 * randomness comes from the seed jqwik prints.
 */
class KubectlYamlPropertyTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The former writer, kept as the oracle. */
  private static final YAMLMapper ORACLE =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private static final YAMLMapper READER = new YAMLMapper();

  private static final String[] AWKWARD = {
    "",
    " ",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "NULL",
    "null",
    "~",
    "~x",
    "1",
    "-1",
    "+1",
    "0",
    "007",
    "0_7",
    "0x1F",
    "1.5",
    ".5",
    "1.",
    "-",
    "+",
    ".",
    "1e3",
    "1_000",
    "12:30",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#a",
    "- a",
    "-a",
    "? a",
    "?a",
    ": a",
    ":a",
    "---",
    "...",
    "--- a",
    "[a]",
    "{a}",
    "a,b",
    "&a",
    "*a",
    "!a",
    "|a",
    ">a",
    "'a",
    "\"a",
    "%a",
    "@a",
    "`a",
    "a'b",
    "a\"b",
    "a\\b",
    " lead",
    "trail ",
    " both ",
    "a  b",
    "a\tb",
    "\ta",
    "a\t",
    "\n",
    "a\n",
    "a\nb",
    "\na",
    "a\n\n",
    "a \nb",
    "a\n b",
    " a\nb",
    "a\nb ",
    "a\rb",
    "a\r\nb",
    "é",
    "naïve",
    "中文",
    "😀",
    "a😀b",
    "\u0085",
    "a\u0085b",
    "\u00a0",
    "a\u00a0b",
    "\u2028",
    "a\u2028b",
    "a\u2029",
    "\ufeff",
    "a\ufeffb",
    "\u0001",
    "\u0007",
    "\u001b",
    "\u007f",
    "\u0000",
    "\ud83d",
    "a\ude00b",
    "\uffff",
    "=",
    "<<",
    "Ø",
    "a b c",
    "key=value"
  };

  private static final String ALPHABET = "abcXYZ019 :#-?'\"\\~[],{}.+_&*!|>%@`/=\n\t\réø中";
  private static final String[] RARE = {"😀", "\u0085", "\u00a0", "\u2028", "\ufeff", "\u0001"};

  @Property(tries = 3000)
  void writesWhatTheSnakeYamlEmitterWrites(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    JsonNode tree = random.nextInt(10) == 0 ? value(random, 0) : object(random, 0);

    String expected = ORACLE.writeValueAsString(tree);
    assertThat(KubectlYaml.write(tree)).as("%s", tree).isEqualTo(expected);
  }

  @Property(tries = 1000)
  void readsBackAsTheTree(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    JsonNode tree = object(random, 0);
    if (strings(tree).stream()
        .anyMatch(
            s ->
                s.chars().anyMatch(KubectlYamlPropertyTest::notReadBack)
                    || READ_AS_NUMBER.matcher(s).matches()
                    || !s.equals(new String(s.getBytes(UTF_8), UTF_8)))) {
      return;
    }

    String yaml = KubectlYaml.write(tree);
    JsonNode back = READER.readTree(yaml);
    assertThat(back.equals(SAME_VALUE, tree))
        .as("%s read back from %s as %s", ascii(tree), ascii(NODES.textNode(yaml)), ascii(back))
        .isTrue();
  }

  @Test
  void foldsLongLinesAndKeepsStructure() {
    ObjectNode o = NODES.objectNode();
    o.put("long", "word ".repeat(30).trim());
    o.put("quoted", "x, " + "x".repeat(90) + " z");
    o.set("list", NODES.arrayNode().add(1).add("2").add(NODES.objectNode().put("a", "b")));
    o.set("empty", NODES.objectNode());
    o.set("none", NODES.arrayNode());
    o.put("block", "line one\nline two\n");

    assertThat(KubectlYaml.write(o))
        .isEqualTo(
            "long: word word word word word word word word word word word word word word word"
                + " word\n  word word word word word word word word word word word word word word\n"
                + "quoted: \"x, "
                + "x".repeat(90)
                + "\\\n  \\ z\"\n"
                + "list:\n- 1\n- \"2\"\n- a: b\n"
                + "empty: {}\n"
                + "none: []\n"
                + "block: |\n  line one\n  line two\n");
  }

  /** Line breaks YAML 1.1 normalises or drops when it reads them back; BOMs it skips. */
  private static boolean notReadBack(int c) {
    return c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff || c == 0;
  }

  /**
   * Strings the writer leaves plain (as the former writer did) that YAML readers take for numbers:
   * underscores between digits, hexadecimal, exponents.
   */
  private static final Pattern READ_AS_NUMBER =
      Pattern.compile("[-+]?(0x[0-9a-fA-F_]+|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?)");

  private static String ascii(JsonNode node) throws Exception {
    return new ObjectMapper()
        .enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature())
        .writeValueAsString(node);
  }

  private static List<String> strings(JsonNode node) {
    List<String> all = new ArrayList<>();
    collect(node, all);
    return all;
  }

  private static void collect(JsonNode node, List<String> all) {
    if (node.isTextual()) {
      all.add(node.textValue());
    }
    node.fieldNames().forEachRemaining(all::add);
    node.elements().forEachRemaining(child -> collect(child, all));
  }

  /**
   * Numbers compare by value (YAML reads back an int where Java wrote a long), the rest exactly.
   */
  private static final Comparator<JsonNode> SAME_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private static ObjectNode object(Random random, int depth) {
    ObjectNode o = NODES.objectNode();
    int n = depth > 3 ? random.nextInt(2) : random.nextInt(6);
    for (int i = 0; i < n; i++) {
      o.set(key(random), child(random, depth));
    }
    return o;
  }

  private static ArrayNode array(Random random, int depth) {
    ArrayNode a = NODES.arrayNode();
    int n = depth > 3 ? random.nextInt(2) : random.nextInt(5);
    for (int i = 0; i < n; i++) {
      a.add(child(random, depth));
    }
    return a;
  }

  private static JsonNode child(Random random, int depth) {
    return switch (random.nextInt(6)) {
      case 0 -> object(random, depth + 1);
      case 1 -> array(random, depth + 1);
      default -> value(random, depth);
    };
  }

  private static JsonNode value(Random random, int depth) {
    return switch (random.nextInt(10)) {
      case 0 -> NODES.numberNode(random.nextInt());
      case 1 -> NODES.numberNode(random.nextLong());
      case 2 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(30) - 15));
      case 3 -> random.nextBoolean() ? NODES.booleanNode(random.nextBoolean()) : NODES.nullNode();
      case 4 ->
          random.nextBoolean()
              ? NODES.numberNode(BigInteger.valueOf(random.nextLong()).shiftLeft(70))
              : NODES.numberNode(new BigDecimal(BigInteger.valueOf(random.nextInt()), 3));
      default -> NODES.textNode(string(random, depth));
    };
  }

  private static String key(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> AWKWARD[random.nextInt(AWKWARD.length)];
      case 1 -> string(random, 0);
      case 2 -> "k".repeat(120 + random.nextInt(16));
      default -> "name" + random.nextInt(20);
    };
  }

  /** Awkward strings, random characters, and runs of words long enough to fold. */
  private static String string(Random random, int depth) {
    int kind = random.nextInt(5);
    if (kind == 0) {
      return AWKWARD[random.nextInt(AWKWARD.length)];
    }
    StringBuilder s = new StringBuilder();
    if (kind == 1) {
      s.append(AWKWARD[random.nextInt(AWKWARD.length)]);
    }
    int length = kind == 2 ? 60 + random.nextInt(200) : random.nextInt(12);
    while (s.length() < length) {
      int r = random.nextInt(40);
      if (r == 0) {
        s.append(RARE[random.nextInt(RARE.length)]);
      } else if (r < 8 && kind == 2) {
        s.append(r < 6 ? " " : "  ");
      } else if (r < 20 && kind == 2) {
        s.append("word");
      } else {
        s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return s.toString();
  }
}
