package io.kubetrail.cli;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.SnapshotInfo;
import io.kubetrail.history.SnapshotReader;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubetrail snapshot import}: stores a kubectl listing as the state at a time. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Store a kubectl listing as a snapshot of the cluster at time T.",
      "For example the output of:",
      "  kubectl get pods,namespaces,serviceaccounts,endpoints,networkpolicies -A -o json",
      "JSON or YAML; a List, a typed list or single objects. Items that are not Kubernetes"
          + " objects are reported and skipped (exit code 1); a listing with no objects at all"
          + " is refused (exit code 2)."
    })
final class SnapshotImportCommand implements Callable<Integer> {
  @Mixin StateCommand.StoreArgs store;

  @Option(
      names = "--at",
      required = true,
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "When the listing was taken: " + TimeArgument.INSTANT_FORMS + ".")
  Instant at;

  @Parameters(index = "0", paramLabel = "FILE", description = "The listing; - for standard input.")
  String file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    SnapshotReader.Result result;
    String source = file.equals("-") ? "<stdin>" : file;
    try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
      result = SnapshotReader.read(in, source, at);
    } catch (NoSuchFileException e) {
      throw new UsageException("no such file: " + file, e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(source + ":")) {
        throw new UsageException(e.getMessage(), e);
      }
      throw e;
    }
    for (String r : result.rejected()) {
      spec.commandLine().getErr().println("rejected: " + r);
    }
    if (result.objects().isEmpty()) {
      // An empty snapshot would say the cluster had nothing of any kind: refuse to store it.
      throw new UsageException(
          source
              + ": no Kubernetes objects to import"
              + (result.rejected().isEmpty()
                  ? ""
                  : " (" + result.rejected().size() + " items rejected)")
              + "; nothing was stored");
    }
    SnapshotInfo info;
    try (AuditStore s = store.openCreatingIfMissing()) {
      info =
          StateHistory.open(s, store.cluster, HistoryOptions.defaults())
              .importSnapshot(result.objects(), at, source);
    }
    spec.commandLine()
        .getOut()
        .println(
            "imported "
                + info.objects()
                + " objects from "
                + source
                + " as snapshot "
                + info.id()
                + " of cluster "
                + store.cluster
                + " at "
                + info.at());
    spec.commandLine().getErr().flush();
    return result.rejected().isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
  }
}
