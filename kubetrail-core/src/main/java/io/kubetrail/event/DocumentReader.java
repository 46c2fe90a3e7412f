package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * Reads one JSON document that is not a single-line Event: an Event or EventList spread over many
 * lines, an EventList on one line, or a JSON array of events. A non-blocking Jackson parser is fed
 * the source a chunk at a time, so an EventList of any size is read item by item; each item's bytes
 * are collected (without whitespace) up to the event size limit and decoded on their own.
 *
 * <p>A syntax error, or nesting too deep to walk, ends the document: the reader reports it, with
 * the items read so far kept, and {@link Resync} decides where reading resumes.
 */
final class DocumentReader {
  private enum State {
    ROOT,
    FIELDS,
    ITEMS,
    DONE
  }

  /** Nesting deeper than the limit; the walk cannot go on without descending further. */
  private static final class TooDeep extends Exception {
    private static final long serialVersionUID = 1L;
    final int depth;

    TooDeep(int depth) {
      super(null, null, false, false);
      this.depth = depth;
    }
  }

  private final InputBuffer in;
  private final EventDecoder events;
  private final DecodeLimits limits;
  private final String source;
  private final JsonFactory factory;
  private final ByteSink captured = new ByteSink(1 << 12);
  private final Minifier minifier = new Minifier();

  private JsonParser parser;
  private ByteArrayFeeder feeder;
  private State state = State.DONE;

  // Where the document starts, for turning the parser's locations into source positions.
  private long docStart;
  private long docLine;
  private long docColumn;
  private long docLineStart;
  private long fedEnd;
  private boolean endFed;
  private boolean jsonLines;

  private String kind;
  private String listVersion;
  private boolean listMode;
  private boolean rootIsArray;
  private int itemIndex;
  private long recordLine;
  private boolean inItem;
  private long itemStart;
  private long itemLineStart;
  // Where the last item read ends: nothing before it is read again after an error.
  private long lastItemEnd;
  private long lastItemEndLine;
  private long lastItemEndLineStart;
  private boolean spannedLines;

  private boolean capturing;
  private long capturedTo;

  DocumentReader(InputBuffer in, EventDecoder events, DecodeLimits limits, String source) {
    this.in = in;
    this.events = events;
    this.limits = limits;
    this.source = source;
    // The walk checks nesting itself (see skip); Jackson's own limit is only a backstop. No string
    // in an acceptable event is longer than the event.
    this.factory = JsonSupport.factory(limits.maxNestingDepth() + 3, limits.maxEventBytes());
  }

  boolean active() {
    return state != State.DONE;
  }

  /**
   * Whether the last document read to its end spread over more than one line; after a document that
   * could not be read, what the source was taken for before it.
   */
  boolean spannedLines() {
    return spannedLines;
  }

  /**
   * Starts reading the document that begins at the input's current position.
   *
   * @param jsonLines whether the source reads as JSON Lines, which decides where reading resumes
   *     after a syntax error (see {@link Resync})
   */
  void start(boolean jsonLines) throws IOException {
    this.jsonLines = jsonLines;
    // Unless the document is read to its end, it says nothing new about the source's shape.
    this.spannedLines = !jsonLines;
    parser = factory.createNonBlockingByteArrayParser();
    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    docStart = in.consumed();
    docLine = in.line();
    docColumn = in.column();
    docLineStart = docStart - docColumn + 1;
    fedEnd = docStart;
    endFed = false;
    kind = null;
    listVersion = null;
    listMode = false;
    rootIsArray = false;
    itemIndex = 0;
    recordLine = docLine;
    inItem = false;
    lastItemEnd = docStart;
    lastItemEndLine = docLine;
    lastItemEndLineStart = docLineStart;
    capturing = false;
    state = State.ROOT;
    feed();
  }

  /**
   * The next record of the document, or null when it is finished; the input is then positioned
   * right after it.
   */
  DecodeResult next() throws IOException {
    try {
      while (state != State.DONE) {
        DecodeResult r = step();
        if (r != null) {
          return r;
        }
      }
      return null;
    } catch (TooDeep e) {
      return abandon(limits.tooDeep(e.depth), parser.currentLocation());
    } catch (StreamConstraintsException e) {
      JsonLocation where = parser.currentLocation();
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("String value length")) {
        // Jackson's string limit is the event limit: no acceptable event holds this string.
        return abandon(limits.stringTooLong(), where);
      }
      return abandon(describe(e, where), where);
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
      return abandon(describe(e, where), where);
    }
  }

  private DecodeResult step() throws IOException, TooDeep {
    switch (state) {
      case ROOT:
        return root();
      case FIELDS:
        return field();
      case ITEMS:
        return item();
      default:
        return null;
    }
  }

  private DecodeResult root() throws IOException, TooDeep {
    JsonToken t = token();
    if (t == JsonToken.START_OBJECT) {
      startCapture(here() - 1);
      state = State.FIELDS;
      return null;
    }
    if (t == JsonToken.START_ARRAY) {
      // A JSON array of events, as `jq -s` writes: read like an EventList's items.
      listMode = true;
      rootIsArray = true;
      state = State.ITEMS;
      return null;
    }
    skip(t, 1);
    finish();
    return rejected(docLine, "expected an Event or EventList object, got " + typeName(t));
  }

  private DecodeResult field() throws IOException, TooDeep {
    JsonToken t = token();
    if (t == JsonToken.END_OBJECT) {
      return endOfRoot();
    }
    String name = parser.currentName();
    JsonToken value = token();
    if (name.equals("items") && value == JsonToken.START_ARRAY && !"Event".equals(kind)) {
      listMode = true;
      capturing = false;
      state = State.ITEMS;
    } else if (name.equals("kind") && value == JsonToken.VALUE_STRING) {
      kind = parser.getText();
      if (kind.equals("EventList")) {
        listMode = true;
        capturing = false;
      }
    } else if (name.equals("apiVersion") && value == JsonToken.VALUE_STRING) {
      listVersion = parser.getText();
    } else {
      skip(value, 2);
    }
    return null;
  }

  private DecodeResult item() throws IOException, TooDeep {
    JsonToken t = token();
    if (t == JsonToken.END_ARRAY) {
      if (rootIsArray) {
        finish();
      } else {
        state = State.FIELDS;
      }
      return null;
    }
    int index = itemIndex++;
    JsonLocation at = parser.currentLocation();
    long line = docLine + at.getLineNr() - 1;
    recordLine = line;
    itemStart = docStart + at.getByteOffset() - 1;
    itemLineStart = at.getLineNr() <= 1 ? docLineStart : itemStart + 1 - (at.getColumnNr() - 1);
    inItem = true;
    String where = "items[" + index + "]: ";
    if (t == JsonToken.START_ARRAY) {
      // Not a list of events after all (or lines that only look like one, such as a stray "["
      // before JSON Lines): rather than walk it, whatever it holds, start over from the next line
      // that can start a document.
      return abandon("expected an Event object, got array", parser.currentLocation());
    }
    if (t != JsonToken.START_OBJECT) {
      skip(t, 1);
      itemEnded();
      inItem = false;
      recordLine = docLine;
      return rejected(line, where + "expected an Event object, got " + typeName(t));
    }
    startCapture(here() - 1);
    skip(t, 1);
    itemEnded();
    flushCapture(lastItemEnd);
    capturing = false;
    inItem = false;
    recordLine = docLine;
    return decodeCaptured(line, where, inheritedVersion());
  }

  private DecodeResult endOfRoot() throws IOException {
    if (!listMode) {
      flushCapture(here());
      capturing = false;
      finish();
      return decodeCaptured(docLine, "", null);
    }
    finish();
    if (kind != null && !kind.equals("EventList") && !rootIsArray) {
      return rejected(
          docLine, "kind: expected string \"EventList\", got " + JsonSupport.quote(kind));
    }
    if (listVersion != null && inheritedVersion() == null) {
      return rejected(
          docLine,
          "apiVersion: expected one of "
              + JsonSupport.quote(VersionConversion.V1)
              + ", "
              + JsonSupport.quote(VersionConversion.V1BETA1)
              + ", "
              + JsonSupport.quote(VersionConversion.V1ALPHA1)
              + ", got "
              + JsonSupport.quote(listVersion));
    }
    return null;
  }

  // The EventList's apiVersion, when it names a version its items may inherit.
  private String inheritedVersion() {
    return VersionConversion.inherited(listVersion);
  }

  private DecodeResult decodeCaptured(long line, String where, String inherited)
      throws IOException {
    if (captured.overflowed()) {
      return rejected(line, where + limits.eventTooLarge(captured.written()));
    }
    EventDecoder.Outcome outcome;
    try {
      outcome = events.decode(captured.array(), 0, captured.size(), false, inherited, false);
    } catch (JsonProcessingException e) {
      // The walk already checked the syntax; only a limit the walk does not enforce gets here.
      return rejected(line, where + JsonSupport.describeSyntaxError(e, line, 1));
    }
    if (outcome instanceof EventDecoder.Outcome.Decoded d) {
      return new DecodeResult.Decoded(d.event(), new SourcePosition(source, line));
    }
    if (outcome instanceof EventDecoder.Outcome.Invalid invalid) {
      return rejected(line, where + invalid.reason());
    }
    return rejected(line, where + "expected an Event, got an EventList");
  }

  // Walks past the value that starts with t, which sits at the given depth of its event.
  private void skip(JsonToken t, int depth) throws IOException, TooDeep {
    if (t == null || !t.isStructStart()) {
      return;
    }
    int max = limits.maxNestingDepth();
    if (depth > max) {
      throw new TooDeep(depth);
    }
    int open = 1;
    while (open > 0) {
      JsonToken n = token();
      if (n.isStructStart()) {
        open++;
        if (depth + open - 1 > max) {
          throw new TooDeep(depth + open - 1);
        }
      } else if (n.isStructEnd()) {
        open--;
      }
    }
  }

  private JsonToken token() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) == JsonToken.NOT_AVAILABLE) {
      feed();
    }
    if (t == null) {
      throw new JsonParseException(parser, "Unexpected end-of-input");
    }
    return t;
  }

  // Called when the parser has used up everything fed so far.
  private void feed() throws IOException {
    if (endFed) {
      throw new JsonParseException(parser, "Unexpected end-of-input");
    }
    if (capturing) {
      flushCapture(fedEnd);
    }
    in.consumeTo(in.index(fedEnd));
    int end = in.documentChunk();
    if (end == in.pos()) {
      feeder.endOfInput();
      endFed = true;
      return;
    }
    feeder.feedInput(in.array(), in.pos(), end);
    fedEnd = in.absolute(end);
  }

  private void itemEnded() {
    JsonLocation at = parser.currentLocation();
    lastItemEnd = docStart + at.getByteOffset();
    lastItemEndLine = docLine + at.getLineNr() - 1;
    lastItemEndLineStart =
        at.getLineNr() <= 1 ? docLineStart : lastItemEnd - (at.getColumnNr() - 1);
  }

  private long here() {
    return docStart + parser.currentLocation().getByteOffset();
  }

  private void startCapture(long from) {
    captured.reset(limits.maxEventBytes());
    minifier.reset();
    capturing = true;
    capturedTo = from;
  }

  private void flushCapture(long to) {
    if (to > capturedTo) {
      minifier.append(in.array(), in.index(capturedTo), in.index(to), captured);
      capturedTo = to;
    }
  }

  // Leaves the input right after the document.
  private void finish() throws IOException {
    JsonLocation loc = parser.currentLocation();
    long end = docStart + loc.getByteOffset();
    long line = docLine + loc.getLineNr() - 1;
    long lineStart = loc.getLineNr() == 1 ? docLineStart : end - (loc.getColumnNr() - 1);
    spannedLines = line != docLine;
    close();
    in.reposition(end, line, lineStart);
  }

  void close() throws IOException {
    state = State.DONE;
    capturing = false;
    if (parser != null) {
      parser.close();
      parser = null;
    }
  }

  private DecodeResult abandon(String what, JsonLocation loc) throws IOException {
    long line = recordLine;
    if (inItem) {
      what = "items[" + (itemIndex - 1) + "]: " + what;
    }
    long errorAt = Math.min(Math.max(docStart + loc.getByteOffset(), in.consumed()), fedEnd);
    long errorLine = docLine + loc.getLineNr() - 1;
    long errorLineStart =
        loc.getLineNr() <= 1 ? docLineStart : errorAt - Math.max(loc.getColumnNr() - 1, 0);
    boolean atEnd = endFed;
    Resync.Point record =
        inItem
            ? new Resync.Point(itemStart, recordLine, itemLineStart)
            : new Resync.Point(docStart, docLine, docLineStart);
    Resync.Point scanFrom =
        inItem || itemIndex == 0
            ? record
            : new Resync.Point(lastItemEnd, lastItemEndLine, lastItemEndLineStart);
    close();
    String tail =
        Resync.resume(
            in,
            jsonLines,
            atEnd,
            docStart,
            record,
            scanFrom,
            new Resync.Point(errorAt, errorLine, errorLineStart));
    return rejected(line, what + tail);
  }

  private String describe(JsonProcessingException e, JsonLocation where) {
    if (endFed) {
      return "incomplete JSON: the input ends at "
          + JsonSupport.position(where.getLineNr(), where.getColumnNr(), docLine, docColumn)
          + " inside the "
          + (inItem ? "item" : "document")
          + " that starts at line "
          + recordLine;
    }
    return JsonSupport.describeSyntaxError(e, docLine, docColumn);
  }

  private DecodeResult rejected(long line, String reason) {
    return new DecodeResult.Rejected(new SourcePosition(source, line), reason);
  }

  private static String typeName(JsonToken t) {
    return JsonSupport.typeName(t);
  }
}
