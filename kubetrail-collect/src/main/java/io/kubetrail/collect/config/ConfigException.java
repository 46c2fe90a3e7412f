package io.kubetrail.collect.config;

import java.util.List;

/** A collector configuration that cannot be used: every problem, each with its field path. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  ConfigException(String file, List<String> problems) {
    super(file + ": " + String.join("\n" + file + ": ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, as {@code field.path: what is wrong and what is allowed}. */
  public List<String> problems() {
    return problems;
  }
}
