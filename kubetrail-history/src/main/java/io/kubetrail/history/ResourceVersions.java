package io.kubetrail.history;

/**
 * Orders {@code metadata.resourceVersion}s. They are opaque strings to clients, but the API server
 * makes them from etcd revisions: when both are integers (the text before any '/'), the smaller is
 * older; otherwise neither is older, and time order rules.
 */
final class ResourceVersions {
  private ResourceVersions() {}

  /** True when {@code candidate} is older than {@code current}, both as etcd revisions. */
  static boolean olderThan(String candidate, String current) {
    return olderThan(revision(candidate), revision(current));
  }

  /** The same for revisions from {@link #revision}, where -1 is not one. */
  static boolean olderThan(long candidate, long current) {
    return candidate >= 0 && current >= 0 && candidate < current;
  }

  /** A resourceVersion as an etcd revision; -1 when it is not one. */
  static long revision(String rv) {
    int slash = rv.indexOf('/');
    String digits = slash < 0 ? rv : rv.substring(0, slash);
    if (digits.isEmpty() || digits.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
