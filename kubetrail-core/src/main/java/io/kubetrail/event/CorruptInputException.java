package io.kubetrail.event;

import java.io.IOException;

/**
 * Compressed input that cannot be decompressed (bad gzip header, corrupt or truncated data): a
 * property of the data, not an I/O failure, so readers report it as a final rejection.
 */
final class CorruptInputException extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
