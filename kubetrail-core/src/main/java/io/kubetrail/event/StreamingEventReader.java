package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The {@link AuditEventReader} for every kind of source.
 *
 * <p>The hot path is JSON Lines: one Jackson parser runs over a window of complete lines in the
 * input buffer (not one parser per line, which costs a third of the parsing time) and each Event is
 * decoded straight from the buffer. A value that is an EventList (or a JSON array), or that runs
 * past the buffered lines (a large pretty-printed document), is handed to a {@link DocumentReader}
 * that streams it; reading goes on after it. After a syntax error the window is dropped and {@link
 * Resync} decides where reading resumes.
 *
 * <p>Not thread-safe.
 */
final class StreamingEventReader extends AuditEventReader {
  private final String source;
  private final DecodeLimits limits;
  private final InputBuffer in;
  private final EventDecoder events;
  private final DocumentReader documents;

  // The parser over the current window of lines, and where the window starts in the source.
  private JsonParser window;
  private int windowStart;
  private int windowLength;
  private long windowStartAbs;
  private long windowLine;
  private long windowColumn;

  // Whether the last complete value sat on one line; decides how to recover from syntax errors.
  // Until a value says otherwise, the source is taken for JSON Lines: a pretty-printed document
  // shows itself anyway by its first line holding nothing but "{" (see Resync).
  private boolean jsonLines = true;
  private boolean corruptionReported;
  private boolean closed;

  StreamingEventReader(InputStream in, String source, DecodeLimits limits, boolean detectGzip) {
    this.source = source;
    this.limits = limits;
    this.in = new InputBuffer(in, detectGzip, limits.maxLineBytes());
    this.events = new EventDecoder(limits);
    this.documents = new DocumentReader(this.in, events, limits, source);
  }

  @Override
  public Optional<DecodeResult> read() throws IOException {
    if (closed) {
      throw new IllegalStateException("reader of " + source + " is closed");
    }
    return Optional.ofNullable(next());
  }

  @Override
  public long bytesRead() {
    if (window != null) {
      return windowStartAbs + window.currentLocation().getByteOffset();
    }
    return in.consumed();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
        closeWindow();
        documents.close();
      } finally {
        in.close();
      }
    }
  }

  private DecodeResult next() throws IOException {
    while (true) {
      if (documents.active()) {
        DecodeResult r = documents.next();
        if (!documents.active()) {
          jsonLines = !documents.spannedLines();
        }
        if (r != null) {
          return r;
        }
        continue;
      }
      if (window == null) {
        if (in.skipWhitespace() < 0) {
          return endOfSource();
        }
        long line = in.line();
        int end = in.windowEnd();
        if (end < 0) {
          return rejected(line, limits.lineTooLong(in.skipLine()));
        }
        openWindow(end);
      }
      DecodeResult r = nextInWindow();
      if (r != null) {
        return r;
      }
    }
  }

  private void openWindow(int end) throws IOException {
    windowStart = in.pos();
    windowLength = end - windowStart;
    windowStartAbs = in.consumed();
    windowLine = in.line();
    windowColumn = in.column();
    window = events.parser(in.array(), windowStart, end);
  }

  // The next record of the window; null when the window is used up or a document reader took over.
  private DecodeResult nextInWindow() throws IOException {
    JsonToken t;
    try {
      t = window.nextToken();
    } catch (JsonProcessingException e) {
      // Not even a value's first token: the bad text is the record. Its line's start, not the
      // error's offset, which for a bad token may lie past the line break that ended it.
      JsonLocation at = location(e);
      return failure(e, at, lineStart(at), line(at), lineStart(at));
    }
    if (t == null) {
      JsonLocation end = window.currentLocation();
      closeWindow();
      in.reposition(absolute(end), line(end), lineStart(end));
      return null;
    }
    JsonLocation start = window.currentTokenLocation();
    long recordStart = absolute(start);
    long recordLine = line(start);
    long recordLineStart = lineStart(start);
    EventDecoder.Outcome outcome;
    try {
      outcome = events.decode(window, start, in.array(), windowStart, false, null, true);
    } catch (JsonProcessingException e) {
      JsonLocation at = location(e);
      boolean pastWindow =
          !(e instanceof StreamConstraintsException) && at.getByteOffset() >= windowLength;
      if ((pastWindow || line(at) > recordLine) && linesStandAlone(recordStart)) {
        return lineIncomplete(recordStart, recordLine, recordLineStart);
      }
      if (pastWindow) {
        // The value runs past the buffered lines: a document longer than the buffer.
        toDocuments(recordStart, recordLine, recordLineStart);
        return null;
      }
      return failure(e, at, recordStart, recordLine, recordLineStart);
    }
    if (outcome instanceof EventDecoder.Outcome.Decoded decoded) {
      if (decoded.multiLine() && linesStandAlone(recordStart)) {
        return lineIncomplete(recordStart, recordLine, recordLineStart);
      }
      jsonLines = !decoded.multiLine();
      String tooBig = sizeProblem(recordStart, decoded.end(), decoded.multiLine());
      return tooBig != null
          ? rejected(recordLine, tooBig)
          : new DecodeResult.Decoded(decoded.event(), new SourcePosition(source, recordLine));
    }
    if (outcome instanceof EventDecoder.Outcome.Invalid invalid) {
      if (invalid.end() < 0) {
        // A nesting limit stopped the parser inside the value.
        return failure(
            invalid.reason(), window.currentLocation(), recordStart, recordLine, recordLineStart);
      }
      if (invalid.multiLine() && linesStandAlone(recordStart)) {
        return lineIncomplete(recordStart, recordLine, recordLineStart);
      }
      if (invalid.multiLine()) {
        // A broken pretty-printed document may have swallowed the next one: resume there.
        long[] cut =
            Resync.documentStartWithin(in, recordStart, recordLine, windowStartAbs + invalid.end());
        if (cut != null) {
          closeWindow();
          in.reposition(cut[0], cut[1], cut[0]);
          return rejected(
              recordLine,
              invalid.reason()
                  + "; reading resumes at line "
                  + cut[1]
                  + ", where a new document starts");
        }
      }
      jsonLines = !invalid.multiLine();
      String tooBig = sizeProblem(recordStart, invalid.end(), invalid.multiLine());
      return rejected(recordLine, tooBig != null ? tooBig : invalid.reason());
    }
    toDocuments(recordStart, recordLine, recordLineStart);
    return null;
  }

  private String sizeProblem(long recordStart, int end, boolean multiLine) {
    long size = windowStartAbs + end - recordStart;
    if (size <= Math.min(limits.maxEventBytes(), limits.maxLineBytes())) {
      return null;
    }
    if (multiLine) {
      // The limit is on the event as one compact line, as an EventList item is measured.
      int from = in.index(recordStart);
      size = Minifier.compactLength(in.array(), from, from + (int) size);
    }
    if (size > limits.maxEventBytes()) {
      return limits.eventTooLarge(size);
    }
    if (!multiLine && size > limits.maxLineBytes()) {
      // The line fit in the buffer, but the limit holds for every line.
      return limits.lineTooLong(in.lineLength(in.index(recordStart)));
    }
    return null;
  }

  /**
   * True when the value starting at {@code recordStart} must end on its line: in JSON Lines every
   * line stands alone, so that a truncated line never swallows the good lines after it. Only a
   * pretty-printed document, whose first line holds nothing but its opening bracket, may span lines
   * there.
   */
  private boolean linesStandAlone(long recordStart) {
    return jsonLines && !Resync.opensAlone(in, recordStart);
  }

  private DecodeResult lineIncomplete(long recordStart, long recordLine, long recordLineStart)
      throws IOException {
    closeWindow();
    in.reposition(recordStart, recordLine, recordLineStart);
    in.skipLine();
    return rejected(recordLine, "incomplete JSON: the line ends before the value does");
  }

  private void toDocuments(long recordStart, long recordLine, long recordLineStart)
      throws IOException {
    closeWindow();
    in.reposition(recordStart, recordLine, recordLineStart);
    documents.start(jsonLines);
  }

  private DecodeResult failure(
      JsonProcessingException e,
      JsonLocation at,
      long recordStart,
      long recordLine,
      long recordLineStart)
      throws IOException {
    String what;
    String message = e.getOriginalMessage();
    if (e instanceof StreamConstraintsException
        && message != null
        && message.startsWith("String value length")) {
      what = limits.stringTooLong();
    } else {
      what = JsonSupport.describeSyntaxError(e, windowLine, windowColumn);
    }
    return failure(what, at, recordStart, recordLine, recordLineStart);
  }

  private DecodeResult failure(
      String what, JsonLocation at, long recordStart, long recordLine, long recordLineStart)
      throws IOException {
    long errorAt = Math.min(absolute(at), windowStartAbs + windowLength);
    long errorLine = line(at);
    long errorLineStart = lineStart(at);
    closeWindow();
    Resync.Point record = new Resync.Point(recordStart, recordLine, recordLineStart);
    String tail =
        Resync.resume(
            in,
            jsonLines,
            false,
            recordStart,
            record,
            record,
            new Resync.Point(errorAt, errorLine, errorLineStart));
    return rejected(recordLine, what + tail);
  }

  private JsonLocation location(JsonProcessingException e) {
    return e.getLocation() != null ? e.getLocation() : window.currentLocation();
  }

  private long absolute(JsonLocation at) {
    return windowStartAbs + at.getByteOffset();
  }

  private long line(JsonLocation at) {
    return windowLine + at.getLineNr() - 1;
  }

  private long lineStart(JsonLocation at) {
    return at.getLineNr() <= 1
        ? windowStartAbs - windowColumn + 1
        : absolute(at) - (at.getColumnNr() - 1);
  }

  private void closeWindow() throws IOException {
    if (window != null) {
      window.close();
      window = null;
    }
  }

  private DecodeResult endOfSource() {
    CorruptInputException corruption = in.corruption();
    if (corruption != null && !corruptionReported) {
      corruptionReported = true;
      return rejected(
          in.line(), corruption.getMessage() + "; the rest of the input cannot be read");
    }
    return null;
  }

  private DecodeResult rejected(long line, String reason) {
    return new DecodeResult.Rejected(new SourcePosition(source, line), reason);
  }
}
