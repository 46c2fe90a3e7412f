package io.kubetrail.store.lucene;

import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;

/**
 * Search cursors: the order, then the last hit's sort values ({@code requestReceivedTimestamp} in
 * microseconds and the event's sequence number, which is unique), e.g. {@code
 * n1767225600000000.42}.
 */
final class Cursors {
  private Cursors() {}

  static PageCursor encode(EventQuery.Order order, long received, long seq) {
    return new PageCursor(String.valueOf(prefix(order)) + received + "." + seq);
  }

  /**
   * The sort values a cursor continues after.
   *
   * @throws IllegalArgumentException when it is not a cursor of this store, or of another order
   */
  static Object[] decode(PageCursor cursor, EventQuery.Order order) {
    String token = cursor.token();
    char prefix = token.charAt(0);
    if (prefix != 'n' && prefix != 'o') {
      throw new IllegalArgumentException("not a search cursor: " + token);
    }
    if (prefix != prefix(order)) {
      throw new IllegalArgumentException(
          "cursor " + token + " continues a search in the other order, not " + order);
    }
    int dot = token.indexOf('.');
    if (dot < 0) {
      throw new IllegalArgumentException("not a search cursor: " + token);
    }
    try {
      long received = Long.parseLong(token.substring(1, dot));
      long seq = Long.parseLong(token.substring(dot + 1));
      return new Object[] {received, seq};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a search cursor: " + token, e);
    }
  }

  private static char prefix(EventQuery.Order order) {
    return order == EventQuery.Order.NEWEST_FIRST ? 'n' : 'o';
  }
}
