package io.kubetrail.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligned text columns as kubectl prints them (its tabwriter: cells padded by 3, at least 10 wide,
 * upper-case headers, the last column unpadded). Control characters in cells, which an audit event
 * can carry in a user agent or name, are shown as {@code ?} so they can neither break the layout
 * nor reach the terminal.
 *
 * <p>A table may be printed in blocks, so that any number of rows streams: each {@link #print}
 * prints the rows added since the last one (and the header the first time), with columns at least
 * as wide as in earlier blocks.
 */
final class StoreTable {
  private static final int PADDING = 3;
  private static final int MIN_WIDTH = 10;

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;
  private final int[] widths;
  private boolean headerPrinted;

  StoreTable(String... headers) {
    columns = headers.length;
    widths = new int[columns];
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

  /** Number of rows added and not printed yet. */
  int size() {
    return headerPrinted ? rows.size() : rows.size() - 1;
  }

  /** Prints the rows added since the last print, the header first the first time. */
  void print(PrintWriter out) {
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
    rows.clear();
    headerPrinted = true;
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
