package io.kubetrail.store;

import java.nio.file.Path;

/** The store's files are damaged or were written by an incompatible version. */
public class StoreCorruptException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreCorruptException(Path location, String message, Throwable cause) {
    super(location, message, cause);
  }

  public StoreCorruptException(Path location, String message) {
    super(location, message);
  }

  public StoreCorruptException(String location, String message) {
    super(location, message);
  }
}
