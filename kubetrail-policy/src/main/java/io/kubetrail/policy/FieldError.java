package io.kubetrail.policy;

import java.util.Objects;

/**
 * One validation error, worded as kube-apiserver words it, e.g. {@code rules[2].level: Unsupported
 * value: "Verbose": supported values: "None", "Metadata", "Request", "RequestResponse"}.
 *
 * @param field the field path, e.g. {@code rules[0].nonResourceURLs[1]}
 * @param message what is wrong, starting with the kind of error ({@code Required value}, {@code
 *     Unsupported value: …}, {@code Invalid value: …})
 */
public record FieldError(Type type, String field, String message) {

  /** The kinds of error kube-apiserver's policy validation reports. */
  public enum Type {
    REQUIRED,
    NOT_SUPPORTED,
    INVALID
  }

  public FieldError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
