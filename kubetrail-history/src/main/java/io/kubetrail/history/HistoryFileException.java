package io.kubetrail.history;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot or checkpoint file that cannot be used: damaged (bad checksum, truncated) or written
 * in a format version this build does not read. Names the file.
 */
public class HistoryFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public HistoryFileException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public HistoryFileException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
