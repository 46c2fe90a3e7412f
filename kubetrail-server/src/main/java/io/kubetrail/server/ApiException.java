package io.kubetrail.server;

/** A request the API answers with an error status and a JSON reason. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String parameter;

  ApiException(int status, String parameter, String message) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }

  static ApiException unauthorized(String message) {
    return new ApiException(401, "", message);
  }

  static ApiException forbidden(String parameter, String message) {
    return new ApiException(403, parameter, message);
  }

  static ApiException notFound(String parameter, String message) {
    return new ApiException(404, parameter, message);
  }

  int status() {
    return status;
  }

  /** The offending parameter, or empty. */
  String parameter() {
    return parameter;
  }
}
