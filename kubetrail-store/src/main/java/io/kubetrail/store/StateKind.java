package io.kubetrail.store;

/**
 * The kinds of state a {@link StateRepository} keeps: replay state, and what kubetrail's tools keep
 * beside a store whose backend has no directory of its own (an OpenSearch cluster).
 */
public enum StateKind {
  /** A listing of a cluster's objects at one time, imported or taken from a live cluster. */
  SNAPSHOT("snapshots"),
  /** A cluster's whole state at one time, written while replaying so later replays start there. */
  CHECKPOINT("checkpoints"),
  /** A run of a scheduled report of the cluster: the run and its report in every format. */
  REPORT_RUN("reports"),
  /** What the collector of the cluster last said about itself, for {@code kubetrail status}. */
  COLLECTOR_STATUS("collector");

  private final String folder;

  StateKind(String folder) {
    this.folder = folder;
  }

  /** The plural name a store files this kind under: {@code snapshots}, {@code checkpoints}. */
  public String folder() {
    return folder;
  }
}
