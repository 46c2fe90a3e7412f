package io.kubetrail.collect;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The on-disk buffer a collector keeps batches in while its store (or the central kubetrail it
 * forwards to) cannot take them: see {@link Pipeline}.
 *
 * @param directory where the buffered batches are kept, one file each; created when missing
 * @param maxBytes how many bytes of batches the buffer holds at most ({@value #DEFAULT_MAX_BYTES}
 *     bytes, 1 GiB, by default); once full, sources wait and a webhook answers 503 with {@code
 *     Retry-After}. One batch may exceed it when the buffer is empty.
 */
public record BufferOptions(Path directory, long maxBytes) {
  /** The default of {@code maxBytes}: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  /** The setting {@code maxBytes} is configured by, for messages. */
  public static final String MAX_BYTES_SETTING = "buffer.maxBytes";

  public BufferOptions {
    Objects.requireNonNull(directory, "directory");
    if (maxBytes < 1) {
      throw new IllegalArgumentException(
          MAX_BYTES_SETTING + " must be at least 1 byte, was " + maxBytes);
    }
  }
}
