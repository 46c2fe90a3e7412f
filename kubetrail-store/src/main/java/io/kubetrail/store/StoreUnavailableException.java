package io.kubetrail.store;

/**
 * The store cannot be reached: its cluster refuses connections, its host name is unknown, or it
 * does not answer in time. Unlike other {@link StoreException}s, trying again later may succeed; a
 * collector keeps what it reads meanwhile. The message names the location and why.
 */
public class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String location, String message, Throwable cause) {
    super(location, message, cause);
  }
}
