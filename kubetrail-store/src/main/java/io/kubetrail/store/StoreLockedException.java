package io.kubetrail.store;

import java.nio.file.Path;

/** Another process (or another store object in this one) has the store open for writing. */
public class StoreLockedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreLockedException(Path location, Throwable cause) {
    super(
        location,
        "another process has this store open for writing; stop it, or open the store read-only"
            + " to search it meanwhile",
        cause);
  }

  /** Locked by a holder this store can name (a host and process), with what to do. */
  public StoreLockedException(String location, String message) {
    super(location, message);
  }
}
