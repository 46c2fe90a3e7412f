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

  private final String location;

  public StoreException(String location, String message) {
    super(location + ": " + message);
    this.location = Objects.requireNonNull(location, "location");
  }

  public StoreException(String location, String message, Throwable cause) {
    super(location + ": " + message, cause);
    this.location = Objects.requireNonNull(location, "location");
  }

  public StoreException(Path location, String message) {
    this(location.toString(), message);
  }

  public StoreException(Path location, String message, Throwable cause) {
    this(location.toString(), message, cause);
  }

  /** The store's location: a directory, or a cluster's URL without credentials. */
  public String location() {
    return location;
  }
}
