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
    if (Minifier.certainlyCompact(src, base + start, base + end)) {
      return compactRewritten(src, base, start, end, edits);
    }
    sink.reset(Integer.MAX_VALUE);
    int at = start;
    for (int i = 0; i < edits.count(); i++) {
      minifier.reset();
      minifier.append(src, base + at, base + edits.start(i), sink);
      byte[] text = edits.text(i);
      sink.write(text, 0, text.length);
      at = edits.end(i);
    }
    minifier.reset();
    minifier.append(src, base + at, base + end, sink);
    return RawJson.adopt(sink.toByteArray());
  }

  // Compact text changes only by the edits, so its size is known: one copy, straight to the result.
  private static RawJson compactRewritten(byte[] src, int base, int start, int end, Edits edits) {
    int size = end - start;
    for (int i = 0; i < edits.count(); i++) {
      size += edits.text(i).length - (edits.end(i) - edits.start(i));
    }
    byte[] out = new byte[size];
    int n = 0;
    int at = start;
    for (int i = 0; i < edits.count(); i++) {
      int len = edits.start(i) - at;
      System.arraycopy(src, base + at, out, n, len);
      n += len;
      byte[] text = edits.text(i);
      System.arraycopy(text, 0, out, n, text.length);
      n += text.length;
      at = edits.end(i);
    }
    System.arraycopy(src, base + at, out, n, end - at);
    return RawJson.adopt(out);
  }
}
