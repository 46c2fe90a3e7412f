package io.kubetrail.store.search;

import java.util.List;

/** CSV as RFC 4180 writes it: what every CSV export of kubetrail (events, reports) is made of. */
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

  /** A field, in double quotes (inner ones doubled) when it holds a comma, quote or line break. */
  public static String field(String value) {
    boolean quote =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
