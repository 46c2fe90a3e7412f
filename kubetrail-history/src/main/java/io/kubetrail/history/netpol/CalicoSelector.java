package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A selector in Calico's syntax, as {@code projectcalico.org/v3} policies and {@code GlobalReport}
 * endpoints write it: {@code app == 'web' && (tier in {'a', "b"} || !has(legacy))}.
 *
 * <p>Terms: {@code k == 'v'}, {@code k != 'v'}, {@code has(k)}, {@code k in {..}}, {@code k not in
 * {..}}, {@code k contains 's'}, {@code k starts with 's'}, {@code k ends with 's'}, {@code all()},
 * {@code global()}; combined with {@code !}, {@code &&}, {@code ||} and parentheses ({@code &&}
 * binds tighter). As in Calico, {@code !=} and {@code not in} hold when the label is absent; the
 * empty text selects everything, as {@code all()} does.
 */
public final class CalicoSelector {

  private static final CalicoSelector ALL = new CalicoSelector("", new Node.All());

  private final String text;
  private final Node root;

  private CalicoSelector(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /** The selector as written. */
  public String text() {
    return text;
  }

  Node root() {
    return root;
  }

  /** Selectors are equal when written the same. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CalicoSelector other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /**
   * Parses a selector.
   *
   * @throws IllegalArgumentException naming the position and what was expected
   */
  public static CalicoSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return new CalicoSelector(text, new Node.All());
    }
    return new CalicoSelector(text, new CalicoSelectorParser(text).parse());
  }

  /** The selector that selects everything: {@code all()}. */
  public static CalicoSelector all() {
    return ALL;
  }

  /** Whether a label set is selected. */
  public boolean matches(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    return root.matches(labels);
  }

  /** Whether it selects every label set whatever it is: empty, or {@code all()}. */
  public boolean selectsEverything() {
    return root instanceof Node.All;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A parsed selector. */
  sealed interface Node {
    boolean matches(Map<String, String> labels);

    /** {@code all()} and {@code global()}: every label set. */
    record All() implements Node {
      @Override
      public boolean matches(Map<String, String> labels) {
        return true;
      }
    }

    /** {@code has(key)}. */
    record Has(String key) implements Node {
      @Override
      public boolean matches(Map<String, String> labels) {
        return labels.containsKey(key);
      }
    }

    /** A test of one label's value; the absent label passes only the negative tests. */
    record Compare(String key, Operator operator, Set<String> values) implements Node {
      public Compare {
        values = Set.copyOf(values);
      }

      @Override
      public boolean matches(Map<String, String> labels) {
        String v = labels.get(key);
        if (v == null) {
          return operator == Operator.NOT_EQUALS || operator == Operator.NOT_IN;
        }
        String one = values.isEmpty() ? "" : values.iterator().next();
        return switch (operator) {
          case EQUALS, IN -> values.contains(v);
          case NOT_EQUALS, NOT_IN -> !values.contains(v);
          case CONTAINS -> v.contains(one);
          case STARTS_WITH -> v.startsWith(one);
          case ENDS_WITH -> v.endsWith(one);
        };
      }
    }

    record Not(Node operand) implements Node {
      @Override
      public boolean matches(Map<String, String> labels) {
        return !operand.matches(labels);
      }
    }

    record And(List<Node> operands) implements Node {
      public And {
        operands = List.copyOf(operands);
      }

      @Override
      public boolean matches(Map<String, String> labels) {
        for (Node n : operands) {
          if (!n.matches(labels)) {
            return false;
          }
        }
        return true;
      }
    }

    record Or(List<Node> operands) implements Node {
      public Or {
        operands = List.copyOf(operands);
      }

      @Override
      public boolean matches(Map<String, String> labels) {
        for (Node n : operands) {
          if (n.matches(labels)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  /** How a {@link Node.Compare} tests a value. */
  enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH
  }
}
