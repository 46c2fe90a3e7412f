package io.kubetrail.cli;

import io.kubetrail.collect.AuditFiles;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestFailedException;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.IngestSummary;
import io.kubetrail.collect.Ingester;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.history.CheckpointAdvancer;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubetrail ingest}: audit logs into the store. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Store audit logs (JSON Lines, EventLists, gzip, directories).",
      "--format reads audit logs exported from GKE (Cloud Logging) or AKS (diagnostic settings).",
      "A directory stands for its audit files, oldest first (kube-audit-<time>.log[.gz] before"
          + " kube-audit.log). Ingesting again is safe: events already stored are counted as"
          + " duplicates, and a file read before resumes where it stopped, even once rotated.",
      "Secret values are stored only as sha256 hashes, unless --no-redact.",
      "Meanwhile the cluster's state checkpoints are kept up to date, so that state queries"
          + " need not replay what was just stored (--no-checkpoints skips this).",
      "Exit status: 0 when every record was stored, 1 when some were rejected (listed on"
          + " standard error), 2 on usage errors or when the store fails."
    })
final class IngestCommand implements Callable<Integer> {
  private static final String STDIN = "-";

  @Spec CommandSpec spec;

  /** Standard input; tests replace it. */
  InputStream stdinStream = System.in;

  @Mixin StoreOptionsMixin store;

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      defaultValue = IngestOptions.DEFAULT_CLUSTER,
      description = "The cluster the events came from (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "An audit policy (audit.k8s.io Policy): keep each event as kube-apiserver would have"
              + " logged it under this policy, and drop what it would not have logged.")
  Optional<Path> policy;

  @Option(
      names = "--no-redact",
      description = "Store Secret data and stringData values as they are, not as sha256 hashes.")
  boolean noRedact;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "audit",
      converter = FormatConverter.class,
      description =
          "The records' shape: audit (kube-apiserver's Events and EventLists; the default),"
              + " gke (Cloud Logging entries of GKE audit logs, JSON, JSON Lines or gcloud's YAML),"
              + " aks (Azure diagnostic records of category kube-audit or kube-audit-admin), or"
              + " auto (each record's shape told by itself).")
  RecordFormat format;

  @Mixin DecodeOptions decode;

  @Mixin StateCommand.ReplayArgs replay;

  @Parameters(
      paramLabel = "PATH",
      arity = "1..*",
      description = "Audit log files or directories; - reads standard input.")
  List<String> paths;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    IngestOptions options = options(err);
    boolean stdin = paths.equals(List.of(STDIN));
    if (!stdin && paths.contains(STDIN)) {
      throw new UsageException("- (standard input) cannot be combined with other paths");
    }
    List<Path> files = stdin ? List.of() : files();
    if (!stdin && files.isEmpty()) {
      err.println("warning: no audit files found in " + String.join(", ", paths));
      return ExitCodes.OK;
    }
    StoreIngestProgress progress =
        new StoreIngestProgress(err, System.console() != null, System::nanoTime);
    IngestSummary summary;
    try (AuditStore target = store.openForWriting()) {
      Optional<CheckpointAdvancer> checkpoints = advancer(target, options.cluster(), err);
      PipelineListener advancing =
          checkpoints
              .map(a -> PipelineListener.onCommit(a::committed))
              .orElse(PipelineListener.NONE);
      Ingester ingester = new Ingester(Sink.of(target), options, advancing, DeadLetters.NONE);
      try {
        summary =
            stdin
                ? ingester.ingest(stdinStream, "<stdin>", format, progress)
                : ingester.ingest(files, format, progress);
      } finally {
        progress.finish();
        if (checkpoints.isPresent()) {
          checkpoints.get().close();
        }
      }
      progress.took(summary.read());
    } catch (IngestFailedException e) {
      printSummary(out, err, e.committed());
      Optional<StoreCorruptException> damaged = Main.cause(e, StoreCorruptException.class);
      if (damaged.isPresent()) {
        err.println("error: " + damaged.get().getMessage());
        return ExitCodes.DAMAGED;
      }
      Optional<StoreUnavailableException> unreachable =
          Main.cause(e, StoreUnavailableException.class);
      err.println("error: " + unreachable.map(Throwable::getMessage).orElse(e.getMessage()));
      err.println("Every batch stored before the failure is complete; ingest again to resume.");
      return unreachable.isPresent() ? ExitCodes.UNAVAILABLE : ExitCodes.USAGE;
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    printSummary(out, err, summary);
    return summary.clean() ? ExitCodes.OK : ExitCodes.REJECTED;
  }

  /**
   * Keeps the cluster's state checkpoints up to date as batches are stored, so that the first
   * {@code state} query after a large ingest does not replay it all. A failure here loses no event:
   * it is reported and queries replay instead.
   */
  private Optional<CheckpointAdvancer> advancer(
      AuditStore target, String cluster, PrintWriter err) {
    HistoryOptions historyOptions = replay.options();
    if (!historyOptions.checkpoints()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          StateHistory.open(target, cluster, historyOptions)
              .advancer()
              .onNote(
                  note -> {
                    synchronized (err) {
                      err.println("note: " + note);
                      err.flush();
                    }
                  }));
    } catch (IOException e) {
      err.println(
          "warning: state checkpoints will not be updated (queries will replay instead): "
              + e.getMessage());
      return Optional.empty();
    }
  }

  private IngestOptions options(PrintWriter err) {
    IngestOptions.Builder options =
        IngestOptions.builder().redactSecrets(!noRedact).limits(decode.limits());
    try {
      options.cluster(cluster);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--cluster: " + e.getMessage(), e);
    }
    if (policy.isPresent()) {
      options.policy(
          PolicyEvaluator.of(PolicyFiles.loadValid(policy.get(), "--policy", err).policy()));
    }
    return options.build();
  }

  private List<Path> files() {
    try {
      return AuditFiles.expand(paths.stream().map(Path::of).toList());
    } catch (NoSuchFileException e) {
      throw new UsageException("no such file or directory: " + e.getFile(), e);
    } catch (IOException e) {
      throw new UsageException("cannot list " + String.join(", ", paths) + ": " + e, e);
    }
  }

  /** Reads {@code --format}, naming the allowed values when it is none of them. */
  static final class FormatConverter implements CommandLine.ITypeConverter<RecordFormat> {
    @Override
    public RecordFormat convert(String value) {
      try {
        return RecordFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  private static void printSummary(PrintWriter out, PrintWriter err, IngestSummary s) {
    for (DecodeResult.Rejected rejected : s.firstRejections()) {
      err.println(rejected);
    }
    long unlisted = s.malformed() - s.firstRejections().size();
    if (unlisted > 0) {
      err.printf(Locale.ROOT, "... and %,d more malformed records%n", unlisted);
    }
    err.flush();
    out.printf(
        Locale.ROOT,
        "read %,d records from %,d %s: %,d stored, %,d duplicates, %,d filtered by policy,"
            + " %,d malformed%n",
        s.read(),
        s.files(),
        s.files() == 1 ? "source" : "sources",
        s.stored(),
        s.duplicates(),
        s.filtered(),
        s.malformed());
    if (s.resumedFiles() > 0) {
      out.printf(
          Locale.ROOT,
          "%,d %s resumed where an earlier ingest stopped%n",
          s.resumedFiles(),
          s.resumedFiles() == 1 ? "file" : "files");
    }
    out.flush();
  }
}
