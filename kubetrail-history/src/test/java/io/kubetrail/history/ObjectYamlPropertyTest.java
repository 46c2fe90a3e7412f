package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The YAML objects are written as, read back by SnakeYAML (an independent YAML 1.1 parser with its
 * own type resolution: strings that look like booleans, nulls, numbers or dates come back as those
 * when left plain) gives the same data: random trees of any nesting, empty collections, and strings
 * built from indicators, words, numbers, dates, escapes, controls and non-ASCII text. All
 * randomness comes from the seed jqwik prints.
 */
class ObjectYamlPropertyTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String[] TRICKY = {
    "",
    " ",
    "true",
    "True",
    "yes",
    "Y",
    "n",
    "on",
    "OFF",
    "null",
    "Null",
    "~",
    "1",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:20",
    "190:20:30.15",
    "1.5",
    "1e3",
    "1E+3",
    ".5",
    "-.inf",
    ".NaN",
    ".inf",
    "1.2.3",
    "10.244.0.2",
    "2026-01-13",
    "2026-01-13T20:48:00Z",
    "2001-12-14 21:59:43.10 -5",
    "<<",
    "=",
    "-",
    "--",
    "---",
    "...",
    "... a",
    "....",
    "- a",
    "? a",
    ": a",
    "a: b",
    "a:b",
    "a:",
    "a #b",
    "a#b",
    "#a",
    "&a",
    "*a",
    "!a",
    "%a",
    "@a",
    "`a",
    "|",
    ">",
    "'a'",
    "\"a\"",
    "a'b",
    "a\"b",
    "a\\b",
    "[a]",
    "{a}",
    "a,b",
    "a\nb",
    "a\tb",
    "\u00e9",
    "\u2028",
    "\uFEFF",
    "\uD83D\uDE00",
    "\uD800",
    "\u0085",
    "\u007F",
    "x ",
    " x",
    "a  b",
    "containerd://abc",
    "nginx:1.25",
    "registry.k8s.io/pause@sha256:abc",
    "-Xmx1g",
    "--flag",
    "(a)",
    "/a",
    "_a",
    ".a",
    "0x",
    "1a",
    "1:70",
    "12:30:45",
    "-.5",
    "+.5e-3",
    "1_0.5"
  };
  private static final char[] ALPHABET =
      ("aZ019 :#-._/'\"\\,[{&*!|>%@`?=<+exTo~\n\t\r\u00e9\u0085\u2028").toCharArray();

  @Property(tries = 3000)
  void snakeYamlReadsBackTheSameData(@ForAll long seed) {
    Random random = new Random(seed);
    JsonNode tree = value(random, 0);
    String yaml = ObjectYaml.write(tree);

    Object read = new org.yaml.snakeyaml.Yaml().load(yaml);

    assertThat(normalised(read)).as("%s", yaml).isEqualTo(expected(tree));
  }

  /** A creation's or a deletion's diff, written directly, as the general diff would give it. */
  @Property(tries = 300)
  void aCreationOrDeletionDiffsAsTheGeneralDiffWould(@ForAll long seed) {
    Random random = new Random(seed);
    ObjectNode o = F.objectNode();
    for (int i = random.nextInt(6); i >= 0; i--) {
      o.set(string(random), value(random, 1));
    }
    List<String> lines = List.of(Yaml.render(o).split("\n"));
    boolean created = random.nextBoolean();
    List<String> a = created ? List.of() : lines;
    List<String> b = created ? lines : List.of();
    String general =
        String.join(
                "\n",
                UnifiedDiffUtils.generateUnifiedDiff("x@1", "y@2", a, DiffUtils.diff(a, b), 3))
            + "\n";

    Optional<ObjectNode> some = Optional.of(o);
    assertThat(
            Yaml.diff(
                created ? Optional.empty() : some,
                created ? some : Optional.empty(),
                "x@1",
                "y@2",
                DiffView.FULL))
        .isEqualTo(general);
  }

  @Test
  void aTopLevelKeyThatStartsLikeADocumentEndReadsBack() {
    ObjectNode o = F.objectNode();
    o.put("... *&@", "&a0o17");
    o.put("...", "x");

    Object read = new org.yaml.snakeyaml.Yaml().load(ObjectYaml.write(o));

    assertThat(normalised(read)).isEqualTo(expected(o));
  }

  @Test
  void objectsLookAsKubectlPrintsThem() {
    ObjectNode pod = F.objectNode();
    pod.put("apiVersion", "v1");
    pod.putObject("metadata").put("name", "web-1").putObject("labels").put("app", "web");
    ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
    container.put("name", "web").put("image", "nginx:1.25");
    container.putArray("ports").addObject().put("containerPort", 80);
    container.putArray("args").add("--port").add("80");
    pod.putObject("status").put("ready", "True").putArray("conditions");
    pod.putArray("matrix").addArray().add("a").add("b");

    assertThat(ObjectYaml.write(pod))
        .isEqualTo(
            """
            apiVersion: v1
            metadata:
              name: web-1
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports:
                - containerPort: 80
                args:
                - "--port"
                - "80"
            status:
              ready: "True"
              conditions: []
            matrix:
            - - a
              - b
            """);
  }

  private static JsonNode value(Random random, int depth) {
    int pick = random.nextInt(depth >= 4 ? 6 : 9);
    switch (pick) {
      case 0, 1, 2:
        return F.textNode(string(random));
      case 3:
        return random.nextBoolean()
            ? F.numberNode(random.nextInt())
            : F.numberNode(random.nextLong());
      case 4:
        return switch (random.nextInt(4)) {
          case 0 -> F.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
          case 1 -> F.numberNode(new BigInteger(80, random));
          case 2 -> F.booleanNode(random.nextBoolean());
          default -> F.nullNode();
        };
      case 5:
        return random.nextBoolean() ? F.objectNode() : F.arrayNode();
      case 6, 7:
        ObjectNode o = F.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          o.set(string(random), value(random, depth + 1));
        }
        return o;
      default:
        ArrayNode a = F.arrayNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          a.add(value(random, depth + 1));
        }
        return a;
    }
  }

  private static String string(Random random) {
    StringBuilder s = new StringBuilder();
    for (int parts = 1 + random.nextInt(3); parts > 0; parts--) {
      if (random.nextInt(500) == 0) {
        // Longer than YAML's implicit keys may be.
        s.append("k".repeat(1000 + random.nextInt(100)));
      } else if (random.nextInt(3) == 0) {
        s.append(TRICKY[random.nextInt(TRICKY.length)]);
      } else {
        int n = random.nextInt(random.nextInt(10) == 0 ? 200 : 10);
        for (int i = 0; i < n; i++) {
          s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
      }
    }
    return s.toString();
  }

  /** The tree as the Java values a YAML loader gives: numbers as BigInteger or Double. */
  private static Object expected(JsonNode n) {
    if (n.isObject()) {
      Map<Object, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), expected(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(v -> l.add(expected(v)));
      return l;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    return null;
  }

  private static Object normalised(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> r = new LinkedHashMap<>();
      m.forEach((k, v) -> r.put(normalised(k), normalised(v)));
      return r;
    }
    if (o instanceof List<?> l) {
      List<Object> r = new ArrayList<>();
      l.forEach(v -> r.add(normalised(v)));
      return r;
    }
    if (o instanceof Integer || o instanceof Long) {
      return BigInteger.valueOf(((Number) o).longValue());
    }
    if (o instanceof Float || o instanceof Double) {
      return ((Number) o).doubleValue();
    }
    return o;
  }
}
