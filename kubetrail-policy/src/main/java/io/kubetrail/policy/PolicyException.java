package io.kubetrail.policy;

import java.util.List;

/**
 * A policy file kube-apiserver would refuse: it cannot be decoded, names an unknown version or
 * kind, fails validation, or has no rules. Each problem names the file, and the line and field path
 * where known.
 */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public PolicyException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, e.g. {@code policy.yaml:9: rules[2].level: Required value}. */
  public List<String> problems() {
    return problems;
  }
}
