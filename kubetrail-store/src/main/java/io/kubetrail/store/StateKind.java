package io.kubetrail.store;

/** The kinds of replay state a {@link StateRepository} keeps. */
public enum StateKind {
  /** A listing of a cluster's objects at one time, imported or taken from a live cluster. */
  SNAPSHOT("snapshots"),
  /** A cluster's whole state at one time, written while replaying so later replays start there. */
  CHECKPOINT("checkpoints");

  private final String folder;

  StateKind(String folder) {
    this.folder = folder;
  }

  /** The plural name a store files this kind under: {@code snapshots}, {@code checkpoints}. */
  public String folder() {
    return folder;
  }
}
