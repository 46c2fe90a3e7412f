package io.kubetrail.history;

import java.io.IOException;

/**
 * A stored snapshot or checkpoint that cannot be used: damaged (bad checksum, truncated) or written
 * in a format version this build does not read. Names where it is kept (a file, or an index and
 * document).
 */
public class HistoryFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;

  public HistoryFileException(String file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public HistoryFileException(String file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** Where the damaged state is kept. */
  public String file() {
    return file;
  }
}
