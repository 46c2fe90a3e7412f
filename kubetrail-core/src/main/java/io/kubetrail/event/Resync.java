package io.kubetrail.event;

import java.io.IOException;

/**
 * Where reading resumes after a value that could not be parsed to its end (a syntax error, or
 * nesting too deep to walk).
 *
 * <p>In JSON Lines every line stands alone, so reading resumes on the line after the error's. In
 * a file of pretty-printed documents it resumes at the next line that starts with {@code '{'},
 * where pretty-printers put the start of each top-level document; when there is no such line the
 * rest of the source is lost, and the rejection says so.
 */
final class Resync {
  private Resync() {}

  /**
   * Positions {@code in} where reading resumes.
   *
   * @param jsonLines whether the source reads as JSON Lines (its last complete value sat on one
   *     line)
   * @return what to add to the rejection's reason about what was skipped; empty when reading goes
   *     on at the line of the error or the one after it
   */
  static String resume(
      InputBuffer in,
      boolean jsonLines,
      long recordStart,
      long recordLine,
      long recordLineStart,
      long errorAt,
      long errorLine,
      long errorLineStart)
      throws IOException {
    // A value whose first line holds nothing but its opening bracket is pretty-printed, whatever
    // came before it.
    jsonLines = jsonLines && !opensAlone(in, recordStart);
    if (jsonLines && errorLine == recordLine && in.byteAt(recordStart) >= 0) {
      // From the record's start, not the error's: Jackson may place an error past the line break
      // that ended the bad token.
      in.reposition(recordStart, recordLine, recordLineStart);
      in.skipLine();
      return "";
    }
    if (jsonLines && in.byteAt(errorLineStart) >= 0) {
      // A value that ran on from an earlier line (an EventList whose items were read up to
      // here): the lines after the error stand alone again.
      in.reposition(errorLineStart, errorLine, errorLineStart);
      in.skipLine();
      return "";
    }
    if (errorLine > recordLine && in.byteAt(errorLineStart) == '{') {
      in.reposition(errorLineStart, errorLine, errorLineStart);
      return "";
    }
    long from = in.byteAt(errorLineStart) >= 0 ? errorLineStart : errorAt;
    in.reposition(from, errorLine, errorLineStart);
    in.skipLine();
    while (true) {
      int b = in.peek();
      if (b < 0) {
        return "; no document starts after it, so the rest of the input is skipped";
      }
      if (b == '{') {
        // Say so only when whole lines were passed over.
        return in.line() == errorLine + 1
            ? ""
            : "; skipped to line " + in.line() + ", where the next document starts";
      }
      in.skipLine();
    }
  }

  /** True when the value at {@code recordStart} is alone on its line with its opening bracket. */
  static boolean opensAlone(InputBuffer in, long recordStart) {
    for (long at = recordStart + 1; ; at++) {
      int b = in.byteAt(at);
      if (b == '\n') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
  }
}
