package io.kubetrail.event;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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

  /** Opens a file; a name ending in {@code .gz} (or gzip magic bytes) is decompressed. */
  public static AuditEventReader open(Path file, DecodeLimits limits) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Reads from a stream (gzip is detected by its magic bytes). The reader owns the stream and
   * closes it.
   *
   * @param sourceName how positions name this source, e.g. {@code <stdin>}
   */
  public static AuditEventReader of(InputStream in, String sourceName, DecodeLimits limits) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Decodes one JSON document holding a single Event.
   *
   * @throws AuditDecodeException when it is not a valid event or breaks a limit
   */
  public static AuditEvent decode(byte[] json, DecodeLimits limits) throws AuditDecodeException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The next record, or empty at the end of the source. */
  public abstract Optional<DecodeResult> read() throws IOException;

  /** Bytes consumed from the (decompressed) source so far, for progress reporting. */
  public abstract long bytesRead();
}
