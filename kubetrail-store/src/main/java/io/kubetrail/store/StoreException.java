package io.kubetrail.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The store cannot do what was asked: it is missing, unreadable, locked, corrupt, or a write
 * failed. The message names the store's location and what to do.
 */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path location;

  public StoreException(Path location, String message) {
    super(location + ": " + message);
    this.location = Objects.requireNonNull(location, "location");
  }

  public StoreException(Path location, String message, Throwable cause) {
    super(location + ": " + message, cause);
    this.location = Objects.requireNonNull(location, "location");
  }

  /** The store's directory. */
  public Path location() {
    return location;
  }
}
