package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The {@link AuditEventReader} for every kind of source. Reads line by line: a line holding one
 * complete Event (the JSON Lines case, and the hot path) is decoded straight from the buffer; a
 * value that is an EventList, or that does not end on its line (a pretty-printed document), is
 * handed to a {@link DocumentReader} that streams it; then line reading resumes after it.
 *
 * <p>Not thread-safe.
 */
final class StreamingEventReader extends AuditEventReader {
  private final String source;
  private final DecodeLimits limits;
  private final InputBuffer in;
  private final EventDecoder events;
  private final DocumentReader documents;
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
    return in.consumed();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
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
        if (r != null) {
          return r;
        }
        continue;
      }
      if (in.skipWhitespace() < 0) {
        return endOfSource();
      }
      DecodeResult r = record();
      if (r != null) {
        return r;
      }
    }
  }

  // Decodes the value starting at the current position; null when a document reader took over.
  private DecodeResult record() throws IOException {
    long line = in.line();
    int newline = in.lineEnd();
    if (newline < 0) {
      return rejected(line, limits.lineTooLong(in.skipLine()));
    }
    byte[] buf = in.array();
    int start = in.pos();
    int end = trimEnd(buf, start, newline);
    EventDecoder.Outcome outcome;
    try {
      outcome = events.decode(buf, start, end, false, null, true);
    } catch (JsonProcessingException e) {
      if (continuesOnNextLine(e, end - start)) {
        documents.start();
        return null;
      }
      long column = in.column();
      in.consumeLine(newline);
      return rejected(line, JsonSupport.describeSyntaxError(e, line, column));
    }
    if (outcome instanceof EventDecoder.Outcome.Decoded decoded) {
      in.advance(start + decoded.end());
      if (decoded.end() > limits.maxEventBytes()) {
        return rejected(line, limits.eventTooLarge(decoded.end()));
      }
      return new DecodeResult.Decoded(decoded.event(), new SourcePosition(source, line));
    }
    if (outcome instanceof EventDecoder.Outcome.Invalid invalid) {
      if (invalid.end() < 0) {
        in.consumeLine(newline);
      } else {
        in.advance(start + invalid.end());
        if (invalid.end() > limits.maxEventBytes()) {
          return rejected(line, limits.eventTooLarge(invalid.end()));
        }
      }
      return rejected(line, invalid.reason());
    }
    documents.start();
    return null;
  }

  /**
   * True when the parser ran out of line with a value still open outside any string: the start of a
   * multi-line document. A line cut inside a string is just broken, since JSON strings never hold a
   * raw line break.
   */
  private static boolean continuesOnNextLine(JsonProcessingException e, int length) {
    JsonLocation loc = e.getLocation();
    if (loc == null || loc.getByteOffset() < length) {
      return false;
    }
    if (e instanceof JsonEOFException eof) {
      JsonToken t = eof.getTokenBeingDecoded();
      return t != JsonToken.VALUE_STRING && t != JsonToken.FIELD_NAME;
    }
    return true;
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

  private static int trimEnd(byte[] buf, int start, int end) {
    while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t' || buf[end - 1] == '\r')) {
      end--;
    }
    return end;
  }

  private DecodeResult rejected(long line, String reason) {
    return new DecodeResult.Rejected(new SourcePosition(source, line), reason);
  }
}
