package io.kubetrail.report.runs;

import java.util.List;

/** A reports file that cannot be used: every problem, each with its document and field path. */
public final class ReportDefinitionException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ReportDefinitionException(String file, List<String> problems) {
    super(file + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
