package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.history.netpol.CalicoSelector.Node;
import io.kubetrail.history.netpol.CalicoSelector.Operator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Calico's selector syntax: examples from Calico's documentation, and a seeded property that any
 * selector, written out in the syntax with random spacing and quotes, parses back to one that
 * selects the same label sets.
 */
class CalicoSelectorTest {
  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "frontend");

  @Test
  void documentedTerms() {
    assertThat(sel("app == 'web'").matches(WEB)).isTrue();
    assertThat(sel("app != 'web'").matches(WEB)).isFalse();
    assertThat(sel("app != 'web'").matches(Map.of())).as("absent label passes !=").isTrue();
    assertThat(sel("has(tier)").matches(WEB)).isTrue();
    assertThat(sel("!has(tier)").matches(WEB)).isFalse();
    assertThat(sel("tier in {'frontend', \"backend\"}").matches(WEB)).isTrue();
    assertThat(sel("tier not in {'frontend'}").matches(WEB)).isFalse();
    assertThat(sel("tier not in {'frontend'}").matches(Map.of())).isTrue();
    assertThat(sel("tier in {}").matches(WEB)).isFalse();
    assertThat(sel("tier contains 'ont'").matches(WEB)).isTrue();
    assertThat(sel("tier starts with 'front'").matches(WEB)).isTrue();
    assertThat(sel("tier ends with 'end'").matches(WEB)).isTrue();
    assertThat(sel("tier ends with 'end'").matches(Map.of())).isFalse();
    assertThat(sel("all()").matches(Map.of())).isTrue();
    assertThat(sel("").selectsEverything()).isTrue();
    assertThat(sel("  all( ) ").selectsEverything()).isTrue();
  }

  @Test
  void andBindsTighterThanOr() {
    CalicoSelector s = sel("app == 'db' && has(x) || tier == 'frontend'");
    assertThat(s.matches(WEB)).isTrue();
    assertThat(sel("app == 'db' && (has(x) || tier == 'frontend')").matches(WEB)).isFalse();
    assertThat(sel("!(app == 'db') && projectcalico.org/namespace == 'prod'").text())
        .contains("projectcalico.org/namespace");
  }

  @Test
  void labelsMayBeNamedLikeFunctions() {
    assertThat(sel("has == 'x' && all == 'y'").matches(Map.of("has", "x", "all", "y"))).isTrue();
  }

  @Test
  void badSelectorsNameThePosition() {
    assertThatThrownBy(() -> sel("app = 'web'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 5");
    assertThatThrownBy(() -> sel("app == web")).hasMessageContaining("a quoted string");
    assertThatThrownBy(() -> sel("(app == 'web'")).hasMessageContaining("')'");
    assertThatThrownBy(() -> sel("app == 'web' tier")).hasMessageContaining("the end");
    assertThatThrownBy(() -> sel("app == 'web")).hasMessageContaining("closing '");
  }

  @Property(tries = 400)
  void writtenSelectorsParseBackToTheSameSelection(@ForAll long seed) {
    Random random = new Random(seed);
    Node node = node(random, 3);
    String text = write(node, random);
    CalicoSelector parsed = CalicoSelector.parse(text);
    for (int i = 0; i < 40; i++) {
      Map<String, String> labels = labels(random);
      assertThat(parsed.matches(labels)).as(text + " on " + labels).isEqualTo(node.matches(labels));
    }
  }

  private static final String[] KEYS = {"app", "tier", "x.io/role", "a-b_c"};
  private static final String[] VALUES = {"web", "db", "", "w"};

  private static Map<String, String> labels(Random random) {
    Map<String, String> m = new HashMap<>();
    for (String k : KEYS) {
      if (random.nextBoolean()) {
        m.put(k, VALUES[random.nextInt(VALUES.length)]);
      }
    }
    return m;
  }

  private static Node node(Random random, int depth) {
    int kind = random.nextInt(depth == 0 ? 3 : 6);
    String key = KEYS[random.nextInt(KEYS.length)];
    return switch (kind) {
      case 0 -> new Node.Has(key);
      case 1 -> new Node.All();
      case 2 -> {
        Operator op = Operator.values()[random.nextInt(Operator.values().length)];
        Set<String> values = new TreeSet<>();
        int n = op == Operator.IN || op == Operator.NOT_IN ? random.nextInt(3) : 1;
        for (int i = 0; i < n; i++) {
          values.add(VALUES[random.nextInt(VALUES.length)]);
        }
        yield new Node.Compare(key, op, values);
      }
      case 3 -> new Node.Not(node(random, depth - 1));
      case 4 -> new Node.And(children(random, depth));
      default -> new Node.Or(children(random, depth));
    };
  }

  private static List<Node> children(Random random, int depth) {
    List<Node> out = new ArrayList<>();
    for (int i = 0, n = 2 + random.nextInt(2); i < n; i++) {
      out.add(node(random, depth - 1));
    }
    return out;
  }

  /** Writes a node with random spacing and quotes, in parentheses wherever it nests. */
  private static String write(Node node, Random random) {
    String sp = random.nextBoolean() ? " " : "";
    if (node instanceof Node.All) {
      return random.nextBoolean() ? "all()" : "global( )";
    } else if (node instanceof Node.Has h) {
      return "has(" + sp + h.key() + sp + ")";
    } else if (node instanceof Node.Compare c) {
      return c.key() + " " + operator(c.operator()) + " " + values(c, random);
    } else if (node instanceof Node.Not n) {
      return "!" + sp + "(" + write(n.operand(), random) + ")";
    } else if (node instanceof Node.And a) {
      return join(a.operands(), sp + "&&" + sp, random);
    }
    return join(((Node.Or) node).operands(), sp + "||" + sp, random);
  }

  private static String join(List<Node> nodes, String op, Random random) {
    List<String> parts = new ArrayList<>();
    nodes.forEach(n -> parts.add("(" + write(n, random) + ")"));
    return String.join(op, parts);
  }

  private static String operator(Operator op) {
    return switch (op) {
      case EQUALS -> "==";
      case NOT_EQUALS -> "!=";
      case IN -> "in";
      case NOT_IN -> "not in";
      case CONTAINS -> "contains";
      case STARTS_WITH -> "starts with";
      case ENDS_WITH -> "ends with";
    };
  }

  private static String values(Node.Compare c, Random random) {
    List<String> quoted = new ArrayList<>();
    for (String v : c.values()) {
      quoted.add(random.nextBoolean() ? "'" + v + "'" : "\"" + v + "\"");
    }
    if (c.operator() == Operator.IN || c.operator() == Operator.NOT_IN) {
      return "{" + String.join(", ", quoted) + "}";
    }
    return quoted.get(0);
  }

  private static CalicoSelector sel(String text) {
    return CalicoSelector.parse(text);
  }
}
