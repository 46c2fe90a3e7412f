package io.kubetrail.event;

/**
 * A field of an event with the wrong type or value; its message starts with the field's path. No
 * stack trace: it is bad data, reported as the record's reason.
 */
final class InvalidField extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidField(String message) {
    super(message, null, false, false);
  }
}
