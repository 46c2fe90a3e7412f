package io.kubetrail.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.KubectlYaml;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.StateHistory;
import io.kubetrail.history.StateJson;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.search.Clusters;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail state}: the objects of a cluster at a time, replayed from the store. */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description = {
      "Show the objects a cluster had at a time T.",
      "Starts from the latest snapshot at or before T and applies every stored change up to it.",
      "JSON output: {\"at\": T, \"objects\": {\"<resource>\": [\"<namespace>/<name>\" or"
          + " \"<name>\", ...]}}, sorted, keyed by plural (--resource plural.group picks one API"
          + " group). --full adds \"bodies\": {\"<resource>\": {\"<namespace>/<name>\":"
          + " <object>}}."
    })
final class StateCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    json,
    table,
    yaml
  }

  @Mixin StoreArgs store;
  @Mixin ReplayArgs replay;

  @Option(
      names = "--at",
      required = true,
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "The time: " + TimeArgument.INSTANT_FORMS + ".")
  Instant at;

  @Option(
      names = "--resource",
      paramLabel = "R",
      description =
          "Only this resource: plural or plural.group (pods, networkpolicies.networking.k8s.io);"
              + " a plural alone matches it in every API group.")
  String resource;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "N",
      description = "Only objects in this namespace.")
  String namespace;

  @Option(names = "--full", description = "Include each object's full body (json and yaml).")
  boolean full;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "json",
      description = "json, table or yaml (default: ${DEFAULT-VALUE}).")
  Format output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Optional<ResourceType> type = Optional.empty();
    if (resource != null) {
      try {
        type = Optional.of(ResourceType.parse(resource));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--resource: " + e.getMessage(), e);
      }
    }
    if (full && output == Format.table) {
      throw new UsageException("--full needs --output json or yaml");
    }
    ClusterState state;
    try (AuditStore s = store.open()) {
      StateHistory history = StateHistory.open(s, store.cluster, replay.options());
      PrintWriter err = spec.commandLine().getErr();
      store.warnIfUnknown(s, err);
      state = history.stateAt(at);
      for (String note : history.lastReplay().notes()) {
        err.println("note: " + note);
      }
      for (String w : state.warnings()) {
        err.println("warning: " + w);
      }
      err.flush();
    }
    List<LiveObject> selected =
        StateJson.select(state, type, Optional.ofNullable(namespace), o -> true);
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case table -> printTable(selected, out);
      case json -> {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        m.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        out.println(m.writeValueAsString(StateJson.tree(at, selected, full)));
      }
      case yaml -> {
        KubectlYaml.writeDocument(out, StateJson.tree(at, selected, full), true);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void printTable(List<LiveObject> selected, PrintWriter out) {
    StoreTable table = new StoreTable("RESOURCE", "NAMESPACE", "NAME", "RESOURCEVERSION", "SINCE");
    for (LiveObject o : selected) {
      table.add(
          o.key().type().qualifiedName(),
          o.key().namespace(),
          o.key().name(),
          o.resourceVersion(),
          o.modified().toString());
    }
    table.print(out);
  }

  /** The store and cluster every history command reads. */
  static final class StoreArgs {
    @Mixin StoreOptionsMixin location;

    @Option(
        names = "--cluster",
        paramLabel = "C",
        description =
            "The cluster; not needed when the store holds events of one cluster only (an empty"
                + " store: "
                + Clusters.DEFAULT
                + ", as ingest).")
    Optional<String> named = Optional.empty();

    /** The cluster, once {@link #open()} has chosen it. */
    String cluster = Clusters.DEFAULT;

    /**
     * Warns when the store has no events of the cluster: most often a mistyped {@code --cluster},
     * which would otherwise look like an empty cluster.
     */
    void warnIfUnknown(AuditStore s, PrintWriter err) throws IOException {
      if (s.count(EventQuery.builder().clusters(cluster).build()) > 0) {
        return;
      }
      err.println("warning: " + Clusters.unknown(cluster, s.clusters()));
      err.flush();
    }

    /**
     * Opens the store read-only (another process may be appending to it) and chooses the cluster:
     * the one named, else the store's only one.
     */
    AuditStore open() {
      AuditStore s = location.openReadOnly();
      try {
        cluster = Clusters.pick(s, named, "--cluster");
        return s;
      } catch (IOException | RuntimeException e) {
        try {
          s.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof IOException io) {
          throw new UsageException(location.directory + ": " + io.getMessage(), io);
        }
        throw (RuntimeException) e;
      }
    }

    /**
     * Opens the store read-only, creating an empty one first when the directory does not exist: a
     * snapshot may come before the first event (take a snapshot, then start collecting).
     */
    AuditStore openCreatingIfMissing() {
      if (!Files.exists(location.directory)) {
        try {
          location.openForWriting().close();
        } catch (IOException e) {
          throw new UsageException(location.directory + ": cannot create the store: " + e, e);
        }
      }
      return open();
    }
  }

  /** Replay options. */
  static final class ReplayArgs {
    @Option(
        names = HistoryOptions.CHECKPOINT_INTERVAL_SETTING,
        paramLabel = "N",
        description =
            "Write a checkpoint of the state every N replayed changes, so later queries start"
                + " from it (default: ${DEFAULT-VALUE}).")
    int checkpointInterval = HistoryOptions.DEFAULT_CHECKPOINT_INTERVAL;

    @Option(
        names = HistoryOptions.NO_CHECKPOINTS_SETTING,
        description = "Write no checkpoints (e.g. when the store directory is read-only).")
    boolean noCheckpoints;

    HistoryOptions options() {
      try {
        return HistoryOptions.builder()
            .checkpointInterval(checkpointInterval)
            .checkpoints(!noCheckpoints)
            .build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            HistoryOptions.CHECKPOINT_INTERVAL_SETTING + ": " + e.getMessage(), e);
      }
    }
  }
}
