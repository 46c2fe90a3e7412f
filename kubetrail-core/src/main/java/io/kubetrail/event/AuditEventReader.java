package io.kubetrail.event;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams audit events out of one source: a JSON Lines file (one Event or EventList per line), a
 * file of {@code EventList} or Event documents, either of them gzip-compressed, or standard input.
 * Never loads the whole source into memory.
 *
 * <p>Each call to {@link #read()} returns the next record: a {@link DecodeResult.Decoded} event or
 * a {@link DecodeResult.Rejected} record with its position (source and the line where the record
 * starts) and reason; a rejected record never stops the reader unless the source can no longer be
 * parsed at all, which is reported as a final rejection. Blank lines, CRLF line ends and a UTF-8
 * byte order mark are fine; so is a JSON array of events.
 *
 * <p><b>Versions.</b> {@code v1beta1} and {@code v1alpha1} events come out converted to {@code v1}:
 * {@code timestamp} fills a missing {@code requestReceivedTimestamp}, {@code
 * metadata.creationTimestamp} a missing {@code stageTimestamp} (for events of any version), and a
 * v1alpha1 {@code objectRef.apiVersion} "group/version" is split into {@code apiGroup} and {@code
 * apiVersion}. An event without {@code apiVersion} takes its EventList's, or else is {@code
 * v1beta1} when it has {@code timestamp} or {@code metadata} and {@code v1} otherwise.
 *
 * <p><b>Raw JSON.</b> {@link AuditEvent#json()} of a v1 event on one line is that line's bytes,
 * exactly. Any other event (converted, an EventList item, or spread over lines) is the event
 * without insignificant whitespace, every field in its original order and written as it was; a
 * conversion sets {@code apiVersion} to {@code audit.k8s.io/v1} (adding it after {@code kind}, or
 * first, when missing) and appends the timestamps it fills in, in RFC 3339 with microseconds.
 *
 * <p><b>Bad input.</b> A record with a missing or mistyped field is rejected with the field's path
 * and what was wrong. In JSON Lines every line stands alone: a line that is not valid JSON, or whose
 * value does not end on it, is rejected and reading goes on with the next line. A pretty-printed
 * document (its first line holds only its opening bracket) may span lines; after a syntax error in
 * one, reading resumes at the next line that starts with {@code '{'}, or the rest of the source is
 * rejected in one final record that says so. Compressed data that is corrupt or truncated ends the
 * source the same way. Limits come from {@link DecodeLimits}.
 *
 * <p>A reader is not thread-safe.
 */
public abstract class AuditEventReader implements Closeable {

  protected AuditEventReader() {}

  /**
   * Opens a file; a name ending in {@code .gz} (or gzip magic bytes) is decompressed.
   *
   * @throws IOException when the file cannot be opened, or is named {@code .gz} but is not gzip
   */
  public static AuditEventReader open(Path file, DecodeLimits limits) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(limits, "limits");
    Path name = file.getFileName();
    boolean gzipByName = name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    InputStream in = Files.newInputStream(file);
    if (gzipByName) {
      try {
        in = Gzip.decompressEagerly(in, file.toString());
      } catch (IOException e) {
        in.close();
        throw e;
      }
    }
    return new StreamingEventReader(in, file.toString(), limits, !gzipByName);
  }

  /**
   * Reads from a stream (gzip is detected by its magic bytes). The reader owns the stream and
   * closes it.
   *
   * @param sourceName how positions name this source, e.g. {@code <stdin>}
   */
  public static AuditEventReader of(InputStream in, String sourceName, DecodeLimits limits) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(limits, "limits");
    return new StreamingEventReader(in, sourceName, limits, true);
  }

  /**
   * Decodes one JSON document holding a single Event (a webhook body or a stored event), under the
   * same rules as a record read from a source. Its raw JSON is the document's bytes when it is a v1
   * event on one line; otherwise as described for the reader.
   *
   * @throws AuditDecodeException when it is not a valid event or breaks a limit
   */
  public static AuditEvent decode(byte[] json, DecodeLimits limits) throws AuditDecodeException {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(limits, "limits");
    return EventDecoder.decodeDocument(json, limits);
  }

  /**
   * Decodes one item of an EventList whose text lies in {@code src[start, end)}, under the same
   * rules as the reader applies to the items of an EventList it reads: an item without {@code
   * apiVersion} takes {@code listVersion}, and its raw JSON is its text without insignificant
   * whitespace. For a caller that has already checked the list's shape and found its items (a
   * webhook body), so that the list is not walked a second time.
   *
   * @param listVersion the EventList's {@code apiVersion}; one the reader does not know gives the
   *     item nothing to inherit
   * @throws AuditDecodeException when the item is not a valid event or breaks a limit; the reason
   *     does not name the item
   */
  public static AuditEvent decodeListItem(
      byte[] src, int start, int end, String listVersion, DecodeLimits limits)
      throws AuditDecodeException {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(limits, "limits");
    Objects.checkFromToIndex(start, end, src.length);
    return EventDecoder.decodeListItem(src, start, end, listVersion, limits);
  }

  /** The next record, or empty at the end of the source. */
  public abstract Optional<DecodeResult> read() throws IOException;

  /** Bytes consumed from the (decompressed) source so far, for progress reporting. */
  public abstract long bytesRead();
}
