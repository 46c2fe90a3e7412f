package io.kubetrail.history;

/** How much of an object a diff compares. */
public enum DiffView {
  /**
   * Without bookkeeping that changes on every write ({@code resourceVersion}, {@code generation},
   * {@code managedFields}, timestamps that merely move; see {@link Yaml#normalise}): the default,
   * as the no-op detection ignores it too.
   */
  QUIET,
  /** Everything but {@code managedFields}. */
  FULL
}
