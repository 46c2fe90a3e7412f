package io.kubetrail.store.search;

import java.util.Objects;

/**
 * A question asked with a value that cannot be used: names the parameter (as the front end calls
 * it) and says why. The command line reports it as a usage error, the HTTP API as 400.
 */
public final class BadParameterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String parameter;

  public BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = Objects.requireNonNull(parameter, "parameter");
  }

  /** The parameter whose value is wrong, such as {@code cursor} or {@code since}. */
  public String parameter() {
    return parameter;
  }
}
