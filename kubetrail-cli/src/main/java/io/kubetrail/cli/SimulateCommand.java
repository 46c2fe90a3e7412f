package io.kubetrail.cli;

import io.kubetrail.simulate.Simulation;
import io.kubetrail.simulate.SnapshotWriter;
import io.kubetrail.simulate.Step;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail simulate}: the audit log of a simulated busy cluster, on standard output. */
@Command(
    name = "simulate",
    separator = " ",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write the audit log of a simulated busy cluster.",
      "The log goes to standard output: JSON Lines of"
          + " audit.k8s.io/v1 events, as kube-apiserver's log backend writes them, under a policy"
          + " that logs writes at RequestResponse and everything else at Metadata.",
      "Each step is one API request (2 or 3 events). The same steps, seed and start always give"
          + " the same bytes. A one-line summary goes to standard error."
    })
final class SimulateCommand implements Callable<Integer> {
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  /** Where the events go; tests put a buffer here. */
  OutputStream stdout = System.out;

  @Option(
      names = "--steps",
      required = true,
      paramLabel = "N",
      description = "API requests to simulate.")
  long steps;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      paramLabel = "TIME",
      description = "Cluster time of the first request, RFC 3339 (default: ${DEFAULT-VALUE}).")
  String start = "2026-01-01T00:00:00Z";

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Worker nodes (default: ${DEFAULT-VALUE}).")
  int nodes = Simulation.DEFAULT_WORKER_NODES;

  @Option(
      names = "--snapshot-at",
      arity = "2",
      paramLabel = "K FILE",
      hideParamSyntax = true,
      description =
          "After step K, write the live objects to FILE as a `kubectl get -o json` List and tell"
              + " its cluster time on standard error; may be repeated.")
  List<String> snapshotArgs = new ArrayList<>();

  private record Snapshot(long step, Path file) {}

  @Override
  public Integer call() throws IOException {
    if (steps < 0) {
      throw new UsageException("--steps must be 0 or more: " + steps);
    }
    if (nodes < 1 || nodes > Simulation.MAX_WORKER_NODES) {
      throw new UsageException(
          "--nodes must be 1 to " + Simulation.MAX_WORKER_NODES + ": " + nodes);
    }
    Simulation.Builder builder = Simulation.builder().seed(seed).workerNodes(nodes);
    try {
      builder.start(parseStart(start));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage(), e);
    }
    Simulation simulation = builder.build();
    List<Snapshot> snapshots = snapshots();
    PrintWriter err = spec.commandLine().getErr();
    int next = 0;
    long events = 0;
    long bytes = 0;
    long done = 0;
    boolean closed = false;
    OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
    while (true) {
      while (next < snapshots.size() && snapshots.get(next).step() == done) {
        writeSnapshot(simulation, snapshots.get(next++), err);
      }
      if (done == steps) {
        break;
      }
      Step step = simulation.step();
      done++;
      for (String line : step.lines()) {
        byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
        out.write(utf8);
        out.write('\n');
        bytes += utf8.length + 1;
      }
      events += step.lines().size();
      if ((done & 0xFFF) == 0 && stdoutClosed(out)) {
        closed = true;
        break;
      }
    }
    out.flush();
    closed |= stdoutClosed(out);
    err.printf(
        "%s %d steps: %d events, %d bytes, %d live objects; cluster time %s%n",
        closed ? "standard output closed after" : "simulated",
        done,
        events,
        bytes,
        simulation.liveObjectCount(),
        MICRO_TIME.format(simulation.clusterTime()));
    err.flush();
    return ExitCodes.OK;
  }

  /** A {@code PrintStream} swallows write errors; a closed pipe shows only here. */
  private boolean stdoutClosed(OutputStream out) throws IOException {
    if (stdout instanceof PrintStream print) {
      out.flush();
      return print.checkError();
    }
    return false;
  }

  private static Instant parseStart(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--start is not an RFC 3339 time: " + text + " (for example 2026-01-01T00:00:00Z)", e);
    }
  }

  /**
   * The snapshots asked for, in step order; every file is created now, so a bad path fails first.
   */
  private List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>();
    for (int i = 0; i + 1 < snapshotArgs.size(); i += 2) {
      String k = snapshotArgs.get(i);
      long step;
      try {
        step = Long.parseLong(k);
      } catch (NumberFormatException e) {
        throw new UsageException("--snapshot-at: K must be a step number: " + k, e);
      }
      if (step < 0 || step > steps) {
        throw new UsageException(
            "--snapshot-at: K must be between 0 and --steps (" + steps + "): " + step);
      }
      Path file = Path.of(snapshotArgs.get(i + 1));
      try {
        Files.newOutputStream(file).close();
      } catch (NoSuchFileException e) {
        throw new UsageException(
            "--snapshot-at: cannot write " + file + ": its directory does not exist", e);
      } catch (AccessDeniedException e) {
        throw new UsageException("--snapshot-at: cannot write " + file + ": permission denied", e);
      } catch (IOException e) {
        throw new UsageException("--snapshot-at: cannot write " + file + ": " + e, e);
      }
      out.add(new Snapshot(step, file));
    }
    out.sort(Comparator.comparingLong(Snapshot::step));
    return out;
  }

  private static void writeSnapshot(Simulation simulation, Snapshot snapshot, PrintWriter err)
      throws IOException {
    var objects = simulation.liveObjects();
    try (OutputStream file = Files.newOutputStream(snapshot.file())) {
      SnapshotWriter.write(objects, file);
    }
    err.printf(
        "snapshot after step %d (cluster time %s): %d objects written to %s%n",
        snapshot.step(),
        MICRO_TIME.format(simulation.clusterTime()),
        objects.size(),
        snapshot.file());
    err.flush();
  }
}
