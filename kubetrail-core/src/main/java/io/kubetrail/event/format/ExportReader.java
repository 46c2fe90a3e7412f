package io.kubetrail.event.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads exported records (see {@link RecordFormat}) in either layout: JSON Lines, each line one
 * record (or a {@code {"records": [...]}} wrapper of several), read line by line so that a bad line
 * costs only itself; or one document, a JSON array, JSON values spread over lines, or YAML
 * documents, read as a stream of values until the first syntax error, which rejects the rest in one
 * final record.
 *
 * <p>{@link #bytesRead()} is exact at the end of a line in JSON Lines; in a document it counts the
 * bytes the parser has taken, which may run ahead of the record.
 */
final class ExportReader extends AuditEventReader {
  private static final int BUFFER = 64 * 1024;

  private enum Layout {
    /** Before the first non-blank line, which tells the layout. */
    UNKNOWN,
    LINES,
    DOCUMENT,
    DONE
  }

  private final Bytes in;
  private final String name;
  private final DecodeLimits limits;
  private final ObjectMapper json;
  private final ObjectReader oneLine;
  private final ObjectMapper yaml;
  private final ExportRecords records;
  private final ArrayDeque<DecodeResult> pending = new ArrayDeque<>();
  private Layout layout = Layout.UNKNOWN;
  private JsonParser document;
  private long line;
  private long documentLineBase;
  private long lineEnd;

  ExportReader(InputStream in, String name, DecodeLimits limits, RecordFormat format) {
    this.in = new Bytes(in);
    this.name = name;
    this.limits = limits;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            // Wrappers (records, protoPayload.request) sit above the event's own nesting.
            .maxNestingDepth(limits.maxNestingDepth() + 4)
            .maxStringLength(Math.max(limits.maxEventBytes(), 1))
            .build();
    this.json = new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build());
    // A line holds one value: anything after it makes the line bad.
    this.oneLine = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.yaml = new ObjectMapper(YAMLFactory.builder().streamReadConstraints(constraints).build());
    this.records = new ExportRecords(format, limits, json);
  }

  @Override
  public Optional<DecodeResult> read() throws IOException {
    while (pending.isEmpty()) {
      switch (layout) {
        case DONE -> {
          return Optional.empty();
        }
        case UNKNOWN, LINES -> readLine();
        case DOCUMENT -> readDocumentValue();
      }
    }
    return Optional.of(pending.poll());
  }

  @Override
  public long bytesRead() {
    return layout == Layout.DOCUMENT || layout == Layout.DONE && document != null
        ? in.consumed
        : lineEnd;
  }

  private void readLine() throws IOException {
    byte[] bytes = in.readLine(limits.maxLineBytes());
    if (bytes == null) {
      layout = Layout.DONE;
      return;
    }
    line++;
    lineEnd = in.consumed - (in.lastLineEndedWithNewline ? 1 : 0);
    SourcePosition at = new SourcePosition(name, line);
    if (in.lastLineTooLong >= 0) {
      pending.add(new DecodeResult.Rejected(at, limits.lineTooLong(in.lastLineTooLong)));
      return;
    }
    if (layout == Layout.UNKNOWN) {
      bytes = withoutByteOrderMark(bytes);
      int first = firstSignificant(bytes);
      if (first < 0) {
        return;
      }
      if (first != '{') {
        // A JSON array, or YAML (gcloud's default output): one document from this line on.
        InputStream rest =
            new SequenceInputStream(new ByteArrayInputStream(withNewline(bytes)), in);
        openDocument(rest, first == '[' ? json : yaml, line - 1);
        layout = Layout.DOCUMENT;
        return;
      }
    }
    if (firstSignificant(bytes) < 0 || records.addAuditLine(bytes, at, pending)) {
      layout = Layout.LINES;
      return;
    }
    JsonNode node;
    try {
      node = oneLine.readTree(bytes);
    } catch (JsonEOFException e) {
      if (layout == Layout.UNKNOWN) {
        // The first record goes on past its line: one document (pretty-printed JSON).
        InputStream rest =
            new SequenceInputStream(new ByteArrayInputStream(withNewline(bytes)), in);
        openDocument(rest, json, line - 1);
        layout = Layout.DOCUMENT;
        return;
      }
      // In JSON Lines every line stands alone: a cut line never swallows the good ones after it.
      pending.add(
          new DecodeResult.Rejected(
              at, "not valid JSON: the value does not end on its line: " + originalMessage(e)));
      return;
    } catch (IOException e) {
      layout = Layout.LINES;
      pending.add(new DecodeResult.Rejected(at, "not valid JSON: " + originalMessage(e)));
      return;
    }
    layout = Layout.LINES;
    records.add(node, at, pending);
  }

  private void openDocument(InputStream stream, ObjectMapper mapper, long linesBefore)
      throws IOException {
    document = mapper.getFactory().createParser(stream);
    document.setCodec(mapper);
    documentLineBase = linesBefore;
  }

  /** The next value of the document: a record, or each element of a top-level array. */
  private void readDocumentValue() throws IOException {
    long at = documentLineBase + 1;
    try {
      JsonToken token = document.nextToken();
      while (token == JsonToken.END_ARRAY) {
        token = document.nextToken();
      }
      if (token == null) {
        finish();
        return;
      }
      at = documentLineBase + document.currentTokenLocation().getLineNr();
      if (token == JsonToken.START_ARRAY) {
        token = document.nextToken();
        if (token == JsonToken.END_ARRAY) {
          return;
        }
        at = documentLineBase + document.currentTokenLocation().getLineNr();
      }
      JsonNode node = document.readValueAsTree();
      records.add(node == null ? json.nullNode() : node, new SourcePosition(name, at), pending);
    } catch (IOException e) {
      pending.add(
          new DecodeResult.Rejected(
              new SourcePosition(name, at),
              "cannot parse on: "
                  + originalMessage(e)
                  + "; the records before this one were read, the rest of the source is not"));
      finish();
    }
  }

  private void finish() throws IOException {
    layout = Layout.DONE;
    document.close();
  }

  private static String originalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JacksonException j
        ? j.getOriginalMessage()
        : e.toString();
  }

  private static byte[] withNewline(byte[] bytes) {
    byte[] copy = Arrays.copyOf(bytes, bytes.length + 1);
    copy[bytes.length] = '\n';
    return copy;
  }

  /** The first byte that is not blank, or -1. */
  private static int firstSignificant(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return b & 0xff;
      }
    }
    return -1;
  }

  private static byte[] withoutByteOrderMark(byte[] bytes) {
    return bytes.length >= 3
            && (bytes[0] & 0xff) == 0xEF
            && (bytes[1] & 0xff) == 0xBB
            && (bytes[2] & 0xff) == 0xBF
        ? Arrays.copyOfRange(bytes, 3, bytes.length)
        : bytes;
  }

  @Override
  public void close() throws IOException {
    if (document != null) {
      document.close();
    }
    in.close();
  }

  /** The source's bytes, buffered, read by lines or as a stream, counting what is consumed. */
  private static final class Bytes extends InputStream {
    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    long consumed;
    boolean lastLineEndedWithNewline;
    long lastLineTooLong = -1;

    Bytes(InputStream in) {
      this.in = in;
    }

    private boolean fill() throws IOException {
      if (position < limit) {
        return true;
      }
      int n = in.read(buffer, 0, buffer.length);
      position = 0;
      limit = Math.max(n, 0);
      return n > 0;
    }

    /**
     * The next line without its newline, or null at the end. A line over {@code maxLineBytes} is
     * skipped: then {@link #lastLineTooLong} holds its length and an empty array is returned.
     */
    byte[] readLine(int maxLineBytes) throws IOException {
      lastLineTooLong = -1;
      lastLineEndedWithNewline = false;
      byte[] line = new byte[0];
      int length = 0;
      long total = 0;
      boolean any = false;
      while (fill()) {
        any = true;
        int end = position;
        while (end < limit && buffer[end] != '\n') {
          end++;
        }
        int n = end - position;
        total += n;
        if (total <= maxLineBytes) {
          if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(length + n, line.length * 2));
          }
          System.arraycopy(buffer, position, line, length, n);
          length += n;
        }
        consumed += n;
        position = end;
        if (end < limit) {
          position++;
          consumed++;
          lastLineEndedWithNewline = true;
          break;
        }
      }
      if (!any) {
        return null;
      }
      if (total > maxLineBytes) {
        lastLineTooLong = total;
        return new byte[0];
      }
      return length == line.length ? line : Arrays.copyOf(line, length);
    }

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      consumed++;
      return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, limit - position);
      System.arraycopy(buffer, position, b, off, n);
      position += n;
      consumed += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
