package io.kubetrail.store;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stretch of time in which a source of one cluster may have lost events: a collector saw a gap in
 * what it reads (a followed log cut below the position it had read to, with no copy of the lost
 * lines beside it). It is kept among the {@link SourceCheckpoint source checkpoints}, under a key
 * of its own, and committed with the batch that follows it, so that it survives with the events and
 * every store keeps it without a schema of its own; reports over a period it overlaps warn of it.
 *
 * @param cluster the cluster whose events may be missing
 * @param source the source that lost them, as the collector names it
 * @param from the earliest time of an event that may be missing
 * @param to the latest time of an event that may be missing
 * @param reason what the collector saw, one sentence
 */
public record SourceGap(String cluster, String source, Instant from, Instant to, String reason) {
  /** Checkpoint keys of gaps start so; no source position does. */
  public static final String KEY_PREFIX = "gap:";

  /** Longest reason kept: the whole record must fit a checkpoint's position. */
  public static final int MAX_REASON = 300;

  private static final Pattern POSITION =
      Pattern.compile("cluster=(\\S*) source=(\\S*) from=(\\S+) to=(\\S+) reason=(\\S*)");

  public SourceGap {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("a gap ends (" + to + ") before it starts (" + from + ")");
    }
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON);
    }
  }

  /** The key it is kept under: one per source and start, so a gap seen twice is kept once. */
  public String key() {
    return KEY_PREFIX + from + ":" + encode(cluster) + ":" + encode(source);
  }

  /** The record as a checkpoint's position. */
  public SourceCheckpoint position() {
    return new SourceCheckpoint(
        "cluster="
            + encode(cluster)
            + " source="
            + encode(source)
            + " from="
            + from
            + " to="
            + to
            + " reason="
            + encode(reason));
  }

  /** Whether some of it falls within [{@code start}, {@code end}]. */
  public boolean overlaps(Instant start, Instant end) {
    return !from.isAfter(end) && !to.isBefore(start);
  }

  /** The gaps of one cluster among a store's checkpoints, oldest first; others are skipped. */
  public static List<SourceGap> of(String cluster, Map<String, SourceCheckpoint> checkpoints) {
    List<SourceGap> out = new ArrayList<>();
    checkpoints.forEach(
        (key, position) -> {
          if (key.startsWith(KEY_PREFIX)) {
            parse(position).filter(g -> g.cluster().equals(cluster)).ifPresent(out::add);
          }
        });
    out.sort(Comparator.comparing(SourceGap::from).thenComparing(SourceGap::source));
    return out;
  }

  /** A gap from its position; empty when the position is not one. */
  static Optional<SourceGap> parse(SourceCheckpoint position) {
    Matcher m = POSITION.matcher(position.position());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SourceGap(
              decode(m.group(1)),
              decode(m.group(2)),
              Instant.parse(m.group(3)),
              Instant.parse(m.group(4)),
              decode(m.group(5))));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
