package io.kubetrail.event;

/** Bad audit data: the input is not a valid audit event, or it breaks a {@link DecodeLimits}. */
public class AuditDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuditDecodeException(String message) {
    super(message);
  }

  public AuditDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
