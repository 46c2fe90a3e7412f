package io.kubetrail.cli;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.SnapshotInfo;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubetrail snapshot list}: the stored snapshots of a cluster. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the stored snapshots of a cluster, oldest first.")
final class SnapshotListCommand implements Callable<Integer> {
  @Mixin StateCommand.StoreArgs store;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    StoreTable table = new StoreTable("AT", "OBJECTS", "ID", "SOURCE");
    try (AuditStore s = store.open()) {
      for (SnapshotInfo i :
          StateHistory.open(s, store.cluster, HistoryOptions.defaults()).snapshots()) {
        table.add(i.at().toString(), Integer.toString(i.objects()), i.id(), i.source());
      }
    }
    table.print(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
