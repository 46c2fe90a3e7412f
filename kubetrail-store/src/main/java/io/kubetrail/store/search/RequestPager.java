package io.kubetrail.store.search;

import io.kubetrail.event.Stage;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search results as people read them: one line per request, at its latest stage (the stages of a
 * request share its {@code requestReceivedTimestamp}), unless the query picks stages, which then
 * shows each stage picked. Pages continue through an opaque cursor, with no ceiling on how far.
 *
 * <p>A page ends between two receive times (microseconds), never inside one, so the stages of a
 * request are never split across pages; the cursor holds that time and the order.
 */
public final class RequestPager {
  /** The name of the cursor parameter in messages. */
  public static final String CURSOR = "cursor";

  private static final String PREFIX = "r1";

  private RequestPager() {}

  /**
   * One page of requests matching the query, in its order.
   *
   * @param limit how many requests the page should hold; a page holds more only when several
   *     requests share the last receive time
   * @param cursor the {@link RequestPage#next()} of the previous page, or empty
   * @throws BadParameterException when the cursor is not one of this pager's, or of the other order
   */
  public static RequestPage page(
      AuditStore store, EventQuery query, int limit, Optional<String> cursor) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    EventQuery q = cursor.isPresent() ? after(query, decode(cursor.get(), query.order())) : query;
    boolean collapse = query.stages().isEmpty();
    int fetch = (int) Math.min(StoreOptions.DEFAULT_MAX_PAGE_SIZE, 2L * limit + 2);
    List<StoredEvent> out = new ArrayList<>();
    Group group = new Group();
    long groupMicros = Long.MIN_VALUE;
    Optional<PageCursor> storeCursor = Optional.empty();
    while (true) {
      SearchPage page = store.search(q, fetch, storeCursor);
      for (StoredEvent e : page.events()) {
        long micros = micros(e.event().requestReceivedTimestamp());
        if (micros != groupMicros) {
          if (out.size() >= limit) {
            return new RequestPage(out, Optional.of(encode(query.order(), groupMicros)));
          }
          groupMicros = micros;
          group.start(out.size());
        }
        if (collapse) {
          group.add(out, e);
        } else {
          out.add(e);
        }
      }
      storeCursor = page.next();
      if (storeCursor.isEmpty()) {
        return new RequestPage(out, Optional.empty());
      }
    }
  }

  /**
   * The requests of one receive time, from {@code start} on in the page: rarely more than a few, so
   * found by a scan; a map of them is made only for a crowded time.
   */
  private static final class Group {
    private static final int SCANNED = 16;
    private int start;
    private Map<String, Integer> crowded;

    void start(int at) {
      start = at;
      crowded = null;
    }

    /** Adds an event to the page, or puts it in its request's place when it is a later stage. */
    void add(List<StoredEvent> out, StoredEvent e) {
      int at = find(out, e);
      if (at < 0) {
        if (crowded != null) {
          crowded.put(key(e), out.size());
        }
        out.add(e);
      } else if (rank(e.event().stage()) > rank(out.get(at).event().stage())) {
        out.set(at, e);
      }
    }

    private int find(List<StoredEvent> out, StoredEvent e) {
      if (crowded == null && out.size() - start > SCANNED) {
        crowded = new HashMap<>();
        for (int i = start; i < out.size(); i++) {
          crowded.put(key(out.get(i)), i);
        }
      }
      if (crowded != null) {
        return crowded.getOrDefault(key(e), -1);
      }
      for (int i = start; i < out.size(); i++) {
        StoredEvent o = out.get(i);
        if (o.event().auditID().equals(e.event().auditID()) && o.cluster().equals(e.cluster())) {
          return i;
        }
      }
      return -1;
    }

    private static String key(StoredEvent e) {
      return e.cluster() + '\0' + e.event().auditID();
    }
  }

  /** How late a stage is: a request is shown at its latest. */
  static int rank(Stage s) {
    return switch (s) {
      case RequestReceived -> 0;
      case ResponseStarted -> 1;
      case ResponseComplete, Panic -> 2;
    };
  }

  private static EventQuery after(EventQuery query, long micros) {
    Instant boundary = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    EventQuery.Builder b = query.toBuilder();
    if (query.order() == EventQuery.Order.NEWEST_FIRST) {
      if (query.until().isEmpty() || boundary.isBefore(query.until().get())) {
        b.until(boundary);
      }
    } else {
      Instant next = boundary.plus(1, ChronoUnit.MICROS);
      if (query.since().isEmpty() || next.isAfter(query.since().get())) {
        b.since(next);
      }
    }
    return b.build();
  }

  /**
   * Microseconds since the epoch, rounded down as the store's index counts them. Plain arithmetic:
   * {@code ChronoUnit.MICROS.between} took several percent of a search's CPU in grouping a page.
   */
  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static String encode(EventQuery.Order order, long micros) {
    String plain = PREFIX + (order == EventQuery.Order.NEWEST_FIRST ? 'n' : 'o') + micros;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  static long decode(String cursor, EventQuery.Order order) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw notACursor(cursor);
    }
    if (!plain.startsWith(PREFIX) || plain.length() < PREFIX.length() + 2) {
      throw notACursor(cursor);
    }
    char o = plain.charAt(PREFIX.length());
    if (o != 'n' && o != 'o') {
      throw notACursor(cursor);
    }
    if ((o == 'n') != (order == EventQuery.Order.NEWEST_FIRST)) {
      throw new BadParameterException(
          CURSOR, "the cursor continues a search in the other order: keep the sort of its search");
    }
    try {
      return Long.parseLong(plain.substring(PREFIX.length() + 1));
    } catch (NumberFormatException e) {
      throw notACursor(cursor);
    }
  }

  private static BadParameterException notACursor(String cursor) {
    String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "…" : cursor;
    return new BadParameterException(
        CURSOR, "'" + shown + "' is not a cursor: pass the next cursor of a previous page as is");
  }
}
