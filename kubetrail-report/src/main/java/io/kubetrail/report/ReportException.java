package io.kubetrail.report;

/**
 * A report could not be made from the stored data: e.g. an object body in the history that the API
 * server would have refused. The message names the object and what is wrong.
 */
public final class ReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
