package io.kubetrail.cloud;

import io.kubetrail.store.SourceCheckpoint;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far one CloudWatch log stream has been read: the forward token of the next page, and, for
 * when that token has expired (after 24 hours), the timestamp of the last event read with how many
 * events of that millisecond were read.
 *
 * @param token the {@code nextForwardToken} to ask for next; empty before the first page
 * @param timestamp the last event's timestamp in epoch milliseconds; -1 before any event
 * @param atTimestamp events read with exactly {@code timestamp}
 */
record StreamPosition(Optional<String> token, long timestamp, long atTimestamp) {
  static final StreamPosition START = new StreamPosition(Optional.empty(), -1, 0);
  private static final Pattern FORMAT = Pattern.compile("time=(-?\\d+) at=(\\d+)(?: token=(.+))?");

  /** The position after one more event with {@code eventTimestamp}. */
  StreamPosition after(long eventTimestamp) {
    return eventTimestamp == timestamp
        ? new StreamPosition(token, timestamp, atTimestamp + 1)
        : new StreamPosition(token, eventTimestamp, 1);
  }

  StreamPosition withToken(Optional<String> next) {
    return new StreamPosition(next, timestamp, atTimestamp);
  }

  SourceCheckpoint toCheckpoint() {
    return new SourceCheckpoint(
        "time=" + timestamp + " at=" + atTimestamp + token.map(t -> " token=" + t).orElse(""));
  }

  /** The position stored, or empty when it is not one of these. */
  static Optional<StreamPosition> parse(SourceCheckpoint stored) {
    Matcher m = FORMAT.matcher(stored.position());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new StreamPosition(
              Optional.ofNullable(m.group(3)),
              Long.parseLong(m.group(1)),
              Long.parseLong(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
