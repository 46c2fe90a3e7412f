package io.kubetrail.event;

/**
 * Drops the insignificant whitespace of JSON text, keeping every token's bytes as they are (string
 * escapes and number spellings survive). Stateful, so text may arrive in pieces split anywhere.
 */
final class Minifier {
  private boolean inString;
  private boolean escaped;

  void reset() {
    inString = false;
    escaped = false;
  }

  void append(byte[] src, int from, int to, ByteSink out) {
    int runStart = from;
    for (int i = from; i < to; i++) {
      byte b = src[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        if (i > runStart) {
          out.write(src, runStart, i - runStart);
        }
        runStart = i + 1;
      } else if (b == '"') {
        inString = true;
      }
    }
    if (to > runStart) {
      out.write(src, runStart, to - runStart);
    }
  }
}
