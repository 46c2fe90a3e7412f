package io.kubetrail.event;

import java.util.Objects;

/**
 * Where a record came from: a source name (a file path, or {@code <stdin>}) and the 1-based line on
 * which the record starts.
 */
public record SourcePosition(String source, long line) {
  public SourcePosition {
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return source + ":" + line;
  }
}
