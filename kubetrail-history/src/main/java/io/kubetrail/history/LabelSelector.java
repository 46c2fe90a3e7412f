package io.kubetrail.history;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Kubernetes label selector as requirements that must all hold; no requirements select every
 * label set. One matcher for both spellings: the query syntax of a request's {@code labelSelector}
 * ({@code tier=web,env notin (dev)}) and the {@code matchLabels} / {@code matchExpressions} of an
 * object's spec (a NetworkPolicy's {@code podSelector}).
 */
public record LabelSelector(List<Requirement> requirements) {

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  /** How a requirement tests its key, as {@code matchExpressions[].operator} names them. */
  public enum Operator {
    /** The label is present and its value one of the values ({@code k=v}, {@code k in (..)}). */
    IN,
    /** The label is absent or its value none of the values ({@code k!=v}, {@code notin}). */
    NOT_IN,
    /** The label is present, whatever its value. */
    EXISTS,
    /** The label is absent. */
    DOES_NOT_EXIST
  }

  /**
   * One requirement on one label key.
   *
   * @param values the values for {@link Operator#IN} and {@link Operator#NOT_IN}; empty for the
   *     others
   */
  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = Set.copyOf(values);
      if ((operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST)
          && !values.isEmpty()) {
        throw new IllegalArgumentException(operator + " takes no values, got " + values);
      }
    }

    public boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }
  }

  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /**
   * Parses a label selector as kubectl takes it ({@code app=web,tier in (a,b),!legacy}); the empty
   * text selects everything.
   *
   * @throws IllegalArgumentException when the text is not a selector
   */
  public static LabelSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    return Selectors.labels(text);
  }

  /** The selector with no requirements: selects everything. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** True when every requirement holds for these labels. */
  public boolean matches(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** True when it has no requirements, so selects every label set. */
  public boolean selectsEverything() {
    return requirements.isEmpty();
  }
}
