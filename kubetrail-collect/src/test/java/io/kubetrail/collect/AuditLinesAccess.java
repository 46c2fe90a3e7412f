package io.kubetrail.collect;

/** {@link AuditLines} for tests in other packages. */
public final class AuditLinesAccess {
  private AuditLinesAccess() {}

  /** {@code count} audit lines, each ending in a newline, from the {@code from}-th. */
  public static String lines(int from, int count) {
    return AuditLines.lines(from, count);
  }
}
