package io.kubetrail.server.auth;

/** The authority that checks tokens (the Kubernetes API) could not be asked. */
public final class AuthUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuthUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
