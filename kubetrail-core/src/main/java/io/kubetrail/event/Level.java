package io.kubetrail.event;

/** Audit levels, ordered from least to most detail as in {@code audit.k8s.io/v1}. */
public enum Level {
  None,
  Metadata,
  Request,
  RequestResponse;

  /** True when this level logs at least as much as {@code other}. */
  public boolean atLeast(Level other) {
    return compareTo(other) >= 0;
  }
}
