package io.kubetrail.cli;

/**
 * A usage or configuration error found while a command runs (a missing file, a broken policy): the
 * command prints the message and exits with {@link ExitCodes#USAGE}.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
