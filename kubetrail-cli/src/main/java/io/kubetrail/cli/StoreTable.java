package io.kubetrail.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligned text columns as kubectl prints them (its tabwriter: cells padded by 3, at least 10 wide,
 * upper-case headers, the last column unpadded). Control characters in cells, which an audit event
 * can carry in a user agent or name, are shown as {@code ?} so they can neither break the layout
 * nor reach the terminal.
 */
final class StoreTable {
  private static final int PADDING = 3;
  private static final int MIN_WIDTH = 10;

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  StoreTable(String... headers) {
    columns = headers.length;
    rows.add(headers.clone());
  }

  void add(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "expected " + columns + " cells, got " + cells.length + ": " + String.join(", ", cells));
    }
    String[] safe = new String[columns];
    for (int i = 0; i < columns; i++) {
      safe[i] = printable(cells[i]);
    }
    rows.add(safe);
  }

  /** Number of rows below the header. */
  int size() {
    return rows.size() - 1;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns - 1; i++) {
        widths[i] = Math.max(widths[i], Math.max(MIN_WIDTH, row[i].length() + PADDING));
      }
    }
    StringBuilder line = new StringBuilder();
    for (String[] row : rows) {
      line.setLength(0);
      for (int i = 0; i < columns - 1; i++) {
        line.append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
      }
      line.append(row[columns - 1]);
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  static String printable(String cell) {
    StringBuilder safe = null;
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (Character.isISOControl(c)) {
        if (safe == null) {
          safe = new StringBuilder(cell.substring(0, i));
        }
        safe.append('?');
      } else if (safe != null) {
        safe.append(c);
      }
    }
    return safe == null ? cell : safe.toString();
  }
}
