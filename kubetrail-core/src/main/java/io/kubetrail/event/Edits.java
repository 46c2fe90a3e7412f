package io.kubetrail.event;

/**
 * Replacements planned in the raw JSON of one value, kept ordered by position: {@code [start, end)}
 * becomes the text; {@code start == end} inserts it. Offsets are the parser's. Every edit sits
 * between tokens, outside strings. Reused from one event to the next.
 */
final class Edits {
  // A conversion makes at most five: apiVersion, two times, objectRef's group and version.
  private static final int MAX = 8;

  private final int[] starts = new int[MAX];
  private final int[] ends = new int[MAX];
  private final byte[][] texts = new byte[MAX][];
  private int count;

  void clear() {
    count = 0;
  }

  void add(int start, int end, byte[] text) {
    int i = count++;
    // Insertion sort: there are at most a handful.
    while (i > 0 && starts[i - 1] > start) {
      starts[i] = starts[i - 1];
      ends[i] = ends[i - 1];
      texts[i] = texts[i - 1];
      i--;
    }
    starts[i] = start;
    ends[i] = end;
    texts[i] = text;
  }

  int count() {
    return count;
  }

  int start(int i) {
    return starts[i];
  }

  int end(int i) {
    return ends[i];
  }

  byte[] text(int i) {
    return texts[i];
  }
}
