package io.kubetrail.event;

/**
 * Makes an event's {@link RawJson} out of the bytes it was read from: as they are, without
 * insignificant whitespace, or with a conversion's {@link Edits} applied. Offsets are as the parser
 * counts them, from {@code base} in {@code src}.
 *
 * <p>Not thread-safe: it reuses a buffer from one event to the next.
 */
final class RawJsonWriter {
  private final ByteSink sink = new ByteSink(1 << 12);
  private final Minifier minifier = new Minifier();

  /** The value's bytes exactly. */
  RawJson copy(byte[] src, int base, int start, int end) {
    return RawJson.of(src, base + start, end - start);
  }

  /** The value without whitespace outside its strings. */
  RawJson minified(byte[] src, int base, int start, int end) {
    int from = base + start;
    int to = base + end;
    if (Minifier.certainlyCompact(src, from, to)) {
      return RawJson.of(src, from, to - from);
    }
    sink.reset(Integer.MAX_VALUE);
    minifier.reset();
    minifier.append(src, from, to, sink);
    return RawJson.adopt(sink.toByteArray());
  }

  /** The value with the edits applied, minified unless it is compact already. */
  RawJson rewritten(byte[] src, int base, int start, int end, Edits edits) {
    boolean compact = Minifier.certainlyCompact(src, base + start, base + end);
    sink.reset(Integer.MAX_VALUE);
    int at = start;
    for (int i = 0; i < edits.count(); i++) {
      append(src, base + at, base + edits.start(i), compact);
      byte[] text = edits.text(i);
      sink.write(text, 0, text.length);
      at = edits.end(i);
    }
    append(src, base + at, base + end, compact);
    return RawJson.adopt(sink.toByteArray());
  }

  private void append(byte[] src, int from, int to, boolean compact) {
    if (compact) {
      sink.write(src, from, to - from);
    } else {
      minifier.reset();
      minifier.append(src, from, to, sink);
    }
  }
}
