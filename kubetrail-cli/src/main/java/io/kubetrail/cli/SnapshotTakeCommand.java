package io.kubetrail.cli;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.LiveCluster;
import io.kubetrail.history.SnapshotInfo;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail snapshot take}: lists a live cluster and stores the listing as a snapshot. */
@Command(
    name = "take",
    mixinStandardHelpOptions = true,
    description = {
      "Snapshot a live cluster's objects through its API server.",
      "Lists pods, namespaces, serviceaccounts, endpoints and networkpolicies (all namespaces)"
          + " and stores them as a snapshot at the time the listing started.",
      "Needs list permission on those resources cluster-wide."
    })
final class SnapshotTakeCommand implements Callable<Integer> {
  @Mixin StateCommand.StoreArgs store;

  @Option(
      names = "--kubeconfig",
      paramLabel = "F",
      description =
          "The kubeconfig to use (its current context); default: $KUBECONFIG, ~/.kube/config,"
              + " or the in-cluster service account.")
  Path kubeconfig;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw new UsageException("cannot read the kubeconfig " + kubeconfig + " (--kubeconfig)");
    }
    try (AuditStore s = store.openCreatingIfMissing()) {
      LiveCluster.Listing listing;
      try {
        listing = LiveCluster.list(Optional.ofNullable(kubeconfig));
      } catch (IOException e) {
        throw new UsageException(e.getMessage(), e);
      }
      String source = kubeconfig == null ? "live cluster" : "live cluster (" + kubeconfig + ")";
      SnapshotInfo info =
          StateHistory.open(s, store.cluster, HistoryOptions.defaults())
              .importSnapshot(listing.objects(), listing.types(), listing.at(), source);
      spec.commandLine()
          .getOut()
          .println(
              "took snapshot "
                  + info.id()
                  + " of cluster "
                  + store.cluster
                  + ": "
                  + info.objects()
                  + " objects at "
                  + info.at());
    }
    return ExitCodes.OK;
  }
}
