package io.kubetrail.event;

import java.util.Objects;

/** The outcome of decoding one record: an event, or a rejection that says where and why. */
public sealed interface DecodeResult {

  SourcePosition position();

  /** A record that decoded to an event. */
  record Decoded(AuditEvent event, SourcePosition position) implements DecodeResult {
    public Decoded {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(position, "position");
    }
  }

  /**
   * A record that was rejected; decoding carries on with the next one.
   *
   * @param reason what was wrong, naming the field path, or the value, limit and setting to change
   */
  record Rejected(SourcePosition position, String reason) implements DecodeResult {
    public Rejected {
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return position + ": " + reason;
    }
  }
}
