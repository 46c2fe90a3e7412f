package io.kubetrail.store.search;

import java.util.List;

/**
 * The one CSV cell writer of the project (RFC 4180), shared by event exports and reports.
 *
 * <p>Cells hold what users and clients chose (names, user names, labels), so a cell that a
 * spreadsheet would take for a formula, one starting with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a carriage return (OWASP "CSV Injection"), is written with a single quote in
 * front, which spreadsheets show as text.
 */
public final class CsvText {
  private CsvText() {}

  /** One record: the fields, quoted when they need it, separated by commas, ending with CRLF. */
  public static String line(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(field(fields.get(i)));
    }
    return b.append("\r\n").toString();
  }

  /** A header line, then one record per row. */
  public static String table(List<String> header, List<List<String>> rows) {
    StringBuilder b = new StringBuilder(line(header));
    rows.forEach(r -> b.append(line(r)));
    return b.toString();
  }

  /**
   * A field: a formula-like value gets a leading single quote; then the field is put in double
   * quotes (inner ones doubled) when it holds a comma, quote or line break.
   */
  public static String field(String value) {
    String text = formulaLike(value) ? "'" + value : value;
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  /** Whether a spreadsheet would read the value as a formula. */
  static boolean formulaLike(String value) {
    if (value.isEmpty()) {
      return false;
    }
    return switch (value.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> true;
      default -> false;
    };
  }
}
