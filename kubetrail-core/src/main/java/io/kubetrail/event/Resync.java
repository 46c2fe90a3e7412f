package io.kubetrail.event;

import java.io.IOException;

/**
 * Where reading resumes after a value that could not be parsed to its end (a syntax error, or
 * nesting too deep to walk).
 *
 * <p>In JSON Lines every line stands alone, so reading resumes on the line after the error's. In
 * a file of pretty-printed documents, reading resumes at a line that starts with {@code '{'}:
 * pretty-printers indent everything but the start of a top-level document, so such a line inside
 * a broken document means it was cut off there by the next one; otherwise the next such line
 * after the error. When there is none, the rest of the source is lost, and the rejection says so.
 */
final class Resync {
  private Resync() {}

  /** A place in the source: an absolute offset, its line, and where that line starts. */
  record Point(long at, long line, long lineStart) {}

  /**
   * Positions {@code in} where reading resumes.
   *
   * @param jsonLines whether the source reads as JSON Lines (its last complete value sat on one
   *     line)
   * @param atEnd whether the source ended inside the value
   * @param documentStart where the top-level value holding the error starts
   * @param record where the rejected record (the value, or the EventList item) starts
   * @param scanFrom where nothing has been read yet that was not rejected: a new document found
   *     after it and before the error is read again
   * @param error where the parser stopped
   * @return what to add to the rejection's reason about what was skipped; empty when reading goes
   *     on at the line of the error or the one after it
   */
  static String resume(
      InputBuffer in,
      boolean jsonLines,
      boolean atEnd,
      long documentStart,
      Point record,
      Point scanFrom,
      Point error)
      throws IOException {
    // A value whose first line holds nothing but its opening bracket is pretty-printed, whatever
    // came before it.
    jsonLines = jsonLines && !opensAlone(in, documentStart);
    if (jsonLines && in.byteAt(scanFrom.at()) >= 0) {
      // Every line stands alone: go on with the line after the one where the bad record (or
      // what follows the last good item) starts, even when the parser ran on into later lines.
      // From there, not from the error: Jackson may place an error past the line break that
      // ended the bad token.
      in.reposition(scanFrom.at(), scanFrom.line(), scanFrom.lineStart());
      in.skipLine();
      return scanFrom.line() + 1 < error.line()
          ? "; reading resumes at line " + (scanFrom.line() + 1)
          : "";
    }
    if (jsonLines && in.byteAt(error.lineStart()) >= 0) {
      // The bad record's start is gone from the buffer: the error's line stands alone again
      // when the error is its first token, the lines after it otherwise.
      in.reposition(error.lineStart(), error.line(), error.lineStart());
      if (!blankBetween(in, error.lineStart(), error.at())) {
        in.skipLine();
      }
      return "";
    }
    long[] cut = documentStartWithin(in, scanFrom.at(), scanFrom.line(), error.at());
    if (cut != null && cut[0] > record.at()) {
      in.reposition(cut[0], cut[1], cut[0]);
      return cut[1] >= error.line()
          ? ""
          : "; reading resumes at line " + cut[1] + ", where a new document starts";
    }
    if (atEnd) {
      in.reposition(error.at(), error.line(), error.lineStart());
      return "";
    }
    long from = in.byteAt(error.lineStart()) >= 0 ? error.lineStart() : error.at();
    in.reposition(from, error.line(), error.lineStart());
    in.skipLine();
    while (true) {
      int b = in.peek();
      if (b < 0) {
        return "; no document starts after it, so the rest of the input is skipped";
      }
      if (b == '{') {
        // Say so only when whole lines were passed over.
        return in.line() == error.line() + 1
            ? ""
            : "; skipped to line " + in.line() + ", where the next document starts";
      }
      in.skipLine();
    }
  }

  /**
   * The first line after the record's first one, up to the error, that starts with {@code '{'}:
   * where the next document cut the broken one off.
   *
   * @return its start and line number, or null when there is none (or it is no longer buffered)
   */
  static long[] documentStartWithin(InputBuffer in, long recordStart, long recordLine, long end) {
    long line = recordLine;
    for (long at = recordStart; at <= end; at++) {
      int b = in.byteAt(at);
      if (b < 0) {
        return null;
      }
      if (b == '\n') {
        line++;
        if (in.byteAt(at + 1) == '{' && at + 1 <= end) {
          return new long[] {at + 1, line};
        }
      }
    }
    return null;
  }

  private static boolean blankBetween(InputBuffer in, long from, long to) {
    for (long at = from; at < to; at++) {
      int b = in.byteAt(at);
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
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
