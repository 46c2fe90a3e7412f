package io.kubetrail.report;

import java.util.Locale;

/** How a report is written. */
public enum ReportFormat {
  /** One JSON document. */
  JSON,
  /** The same tree as YAML. */
  YAML,
  /** Calico's CSV files (and {@code events.json}, {@code events.yaml} for policy-audit). */
  CSV,
  /** One self-contained HTML page to read and print. */
  HTML;

  /** {@code json}, as the command line names it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
