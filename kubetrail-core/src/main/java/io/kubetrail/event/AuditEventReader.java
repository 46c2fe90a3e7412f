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
 * a {@link DecodeResult.Rejected} record with its position and reason; a rejected record never
 * stops the reader unless the source can no longer be parsed at all, which is reported as a final
 * rejection. {@code v1beta1} and {@code v1alpha1} events come out converted to {@code v1}.
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
   * Decodes one JSON document holding a single Event.
   *
   * @throws AuditDecodeException when it is not a valid event or breaks a limit
   */
  public static AuditEvent decode(byte[] json, DecodeLimits limits) throws AuditDecodeException {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(limits, "limits");
    return EventDecoder.decodeDocument(json, limits);
  }

  /** The next record, or empty at the end of the source. */
  public abstract Optional<DecodeResult> read() throws IOException;

  /** Bytes consumed from the (decompressed) source so far, for progress reporting. */
  public abstract long bytesRead();
}
