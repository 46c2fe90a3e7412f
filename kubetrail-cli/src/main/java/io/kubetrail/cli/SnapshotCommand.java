package io.kubetrail.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubetrail snapshot}: the snapshots that state replay starts from. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Store snapshots of cluster objects for replay to start from.",
      "Replay of the state at a time T starts from the latest snapshot at or before T."
    },
    subcommands = {
      SnapshotImportCommand.class,
      SnapshotTakeCommand.class,
      SnapshotListCommand.class
    })
final class SnapshotCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return MissingSubcommand.report(spec);
  }
}
