package io.kubetrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.DiffView;
import io.kubetrail.history.HistoryJson;
import io.kubetrail.history.ObjectArgument;
import io.kubetrail.history.ObjectHistory;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.Revision;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubetrail history}: every revision of one object, with diffs. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show every write to one object, with a diff of each change.",
      "Lists time, verb, user, response code, resourceVersion and"
          + " auditID; whether the object really changed (ignoring resourceVersion,"
          + " managedFields, generation and timestamps that merely move); and a unified YAML diff"
          + " from the previous revision. Failed and dry-run attempts are listed too, marked as"
          + " such."
    })
final class HistoryCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    text,
    json
  }

  @Mixin StateCommand.StoreArgs store;

  @Parameters(
      index = "0",
      paramLabel = "OBJECT",
      description =
          "RESOURCE/NAMESPACE/NAME, or RESOURCE/NAME for a cluster-scoped object; RESOURCE is"
              + " plural or plural.group (pods/default/web, namespaces/team,"
              + " networkpolicies.networking.k8s.io/default/deny); a plural alone finds the"
              + " object in the API group the store has it in.")
  String object;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  Format output;

  @Option(
      names = "--last",
      paramLabel = "N",
      description =
          "Only the newest N revisions (each still diffed against the one before it), for"
              + " objects that controllers write every few seconds.")
  Integer last;

  @Option(
      names = "--all-fields",
      description =
          "Diff every field: by default diffs leave out resourceVersion, generation,"
              + " managedFields and timestamps that merely move.")
  boolean allFields;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (last != null && last < 1) {
      throw new UsageException("--last must be at least 1, got " + last);
    }
    ResourceKey key = ObjectArgument.parse(object, "OBJECT");
    List<Revision> revisions;
    try (AuditStore s = store.open()) {
      store.warnIfUnknown(s, spec.commandLine().getErr());
      // Either group of a resource served under two names the one object, listed canonically.
      key = ObjectArgument.resolveGroup(s, List.of(store.cluster), key, "OBJECT").canonical();
      revisions =
          ObjectHistory.of(s, store.cluster, key, allFields ? DiffView.FULL : DiffView.QUIET);
    }
    int total = revisions.size();
    if (last != null && last < total) {
      revisions = revisions.subList(total - last, total);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == Format.json) {
      ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = HistoryJson.tree(key, store.cluster, total, revisions);
      out.println(m.writeValueAsString(root));
    } else {
      if (revisions.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("no writes to " + key + " in cluster " + store.cluster + " are stored");
      } else if (revisions.size() < total) {
        out.printf(Locale.ROOT, "(the newest %d of %d revisions)%n", revisions.size(), total);
      }
      for (Revision r : revisions) {
        StringBuilder line = new StringBuilder();
        line.append(r.time())
            .append("  ")
            .append(r.verb())
            .append(r.subresource().isEmpty() ? "" : " " + r.subresource())
            .append("  ")
            .append(r.user().isEmpty() ? "-" : StoreTable.printable(r.user()));
        if (!r.impersonatedUser().isEmpty()) {
          line.append(" as ").append(StoreTable.printable(r.impersonatedUser()));
        }
        line.append("  code=").append(r.responseCode() == 0 ? "-" : r.responseCode());
        line.append("  rv=").append(r.resourceVersion().isEmpty() ? "-" : r.resourceVersion());
        line.append("  auditID=").append(StoreTable.printable(r.auditID()));
        line.append("  ").append(HistoryJson.mark(r));
        out.println(line);
        if (!r.note().isEmpty()) {
          out.println("  note: " + r.note());
        }
        if (!r.diff().isEmpty()) {
          for (String l : r.diff().split("\n")) {
            out.println("  " + StoreTable.printable(l));
          }
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
