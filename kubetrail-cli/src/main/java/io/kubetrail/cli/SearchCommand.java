package io.kubetrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.history.KubectlYaml;
import io.kubetrail.history.ObjectArgument;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.search.EventRow;
import io.kubetrail.store.search.QueryText;
import io.kubetrail.store.search.RequestPage;
import io.kubetrail.store.search.RequestPager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail search}: stored events by filters, newest first. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Find stored events, newest first.",
      "Every filter narrows the result; a repeated filter matches any of its values.",
      "Times are RFC 3339 (2026-01-01T00:00:00Z, fractional seconds allowed) or a time ago"
          + " (30m, 2h, 7d)."
    })
final class SearchCommand implements Callable<Integer> {
  /** Output formats. */
  enum Output {
    table,
    json,
    yaml
  }

  static final int DEFAULT_LIMIT = 100;
  private static final int TABLE_BLOCK = 1000;

  @Spec CommandSpec spec;

  @Mixin StoreOptionsMixin store;

  @Option(names = "--cluster", paramLabel = "C", description = "Events from this cluster.")
  List<String> clusters = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "Events received at or after T.")
  Optional<Instant> since;

  @Option(
      names = "--until",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "Events received before T.")
  Optional<Instant> until;

  @Option(
      names = "--verb",
      paramLabel = "V",
      split = ",",
      description = "Events with this verb (create, get, patch...).")
  List<String> verbs = new ArrayList<>();

  @Option(
      names = "--resource",
      paramLabel = "R",
      description =
          "Events on this resource: pods, deployments.apps (resource.group), pods/log"
              + " (a subresource).")
  Optional<String> resource;

  @Option(
      names = "--group",
      paramLabel = "G",
      description = "Events on this API group; core or \"\" for the core group.")
  Optional<String> group;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "N",
      description = "Events in this namespace.")
  Optional<String> namespace;

  @Option(names = "--name", paramLabel = "X", description = "Events on objects of this name.")
  Optional<String> name;

  @Option(
      names = "--object",
      paramLabel = "OBJECT",
      description =
          "Events about this object, its subresources included: RESOURCE/NAMESPACE/NAME or"
              + " RESOURCE/NAME, as for history.")
  Optional<String> object;

  @Option(names = "--user", paramLabel = "U", description = "Events by this user.")
  Optional<String> user;

  @Option(
      names = "--code",
      paramLabel = "N",
      split = ",",
      description = "Events with this response code.")
  List<Integer> codes = new ArrayList<>();

  @Option(names = "--level", paramLabel = "L", split = ",", description = "Events at this level.")
  List<Level> levels = new ArrayList<>();

  @Option(
      names = "--stage",
      paramLabel = "S",
      split = ",",
      description =
          "Events at this stage; without it, each request is shown once, at its latest stage.")
  List<Stage> stages = new ArrayList<>();

  @Option(names = "--exclude-dry-run", description = "Leave out dry-run requests.")
  boolean excludeDryRun;

  @Option(
      names = "--exclude-failures",
      description =
          "Only events with a response code below 400 (leaves out failed requests, and early"
              + " stages that have no code yet).")
  boolean excludeFailures;

  @Option(
      names = "--changes-only",
      description = "Only changes: successful create, update, patch, delete, deletecollection.")
  boolean changesOnly;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_LIMIT,
      description = "At most N events (default: ${DEFAULT-VALUE}; 0 for all).")
  int limit;

  @Option(names = "--oldest-first", description = "Oldest events first.")
  boolean oldestFirst;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description =
          "table (default), json (JSON Lines: each event with cluster, name and generated_time"
              + " added) or yaml.")
  Output output;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new UsageException("--limit must be 0 (all) or more, was " + limit);
    }
    EventQuery query = query();
    Optional<ResourceKey> objectArg = object.map(o -> ObjectArgument.parse(o, "--object"));
    try (AuditStore audit = store.openReadOnly()) {
      if (objectArg.isPresent()) {
        ResourceKey key =
            ObjectArgument.resolveGroup(
                audit,
                clusters.isEmpty() ? audit.clusters() : Set.copyOf(clusters),
                objectArg.get(),
                "--object");
        query = query.toBuilder().object(key.toObjectKey()).build();
      }
      Printer printer = printer();
      long remaining = limit == 0 ? Long.MAX_VALUE : limit;
      long found = 0;
      Optional<String> cursor = Optional.empty();
      while (remaining > 0) {
        int pageSize = (int) Math.min(remaining, StoreOptions.DEFAULT_MAX_PAGE_SIZE);
        RequestPage page = RequestPager.page(audit, query, pageSize, cursor);
        List<StoredEvent> events = page.events();
        // A page may run over when requests share its last receive time.
        events = events.subList(0, (int) Math.min(events.size(), remaining));
        for (StoredEvent event : events) {
          printer.print(event);
        }
        remaining -= events.size();
        found += events.size();
        cursor = page.next();
        if (cursor.isEmpty()) {
          break;
        }
      }
      printer.finish();
      if (found == 0 && output == Output.table) {
        // As kubectl does: the table stays empty, a note goes to standard error.
        spec.commandLine().getErr().println("No events found.");
      }
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UsageException(e.getCause().getMessage(), e);
    }
    return ExitCodes.OK;
  }

  EventQuery query() {
    EventQuery.Builder q =
        EventQuery.builder()
            .clusters(Set.copyOf(clusters))
            .verbs(Set.copyOf(verbs))
            .responseCodes(Set.copyOf(codes))
            .levels(Set.copyOf(levels))
            .stages(Set.copyOf(stages))
            .excludeDryRun(excludeDryRun)
            .excludeFailures(excludeFailures)
            .changesOnly(changesOnly)
            .order(oldestFirst ? EventQuery.Order.OLDEST_FIRST : EventQuery.Order.NEWEST_FIRST);
    since.ifPresent(q::since);
    until.ifPresent(q::until);
    namespace.ifPresent(q::namespace);
    name.ifPresent(q::name);
    user.ifPresent(q::user);
    group.ifPresent(g -> q.apiGroup(QueryText.group(g)));
    resource.ifPresent(r -> QueryText.resource(q, r, group.map(g -> "--group"), "--resource"));
    return q.build();
  }

  private Printer printer() {
    PrintWriter out = spec.commandLine().getOut();
    return switch (output) {
      case table -> new TablePrinter(out);
      case json -> new JsonPrinter(out);
      case yaml -> new YamlPrinter(out);
    };
  }

  /** Writes events as they come. */
  private interface Printer {
    void print(StoredEvent event) throws IOException;

    void finish() throws IOException;
  }

  /** Aligned columns; rows are aligned in blocks so that any number of events streams. */
  private static final class TablePrinter implements Printer {
    private final PrintWriter out;
    private final StoreTable table = new StoreTable(EventRow.COLUMNS);

    TablePrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void print(StoredEvent stored) {
      table.add(EventRow.of(stored).cells());
      if (table.size() == TABLE_BLOCK) {
        finish();
      }
    }

    @Override
    public void finish() {
      if (table.size() > 0) {
        table.print(out);
      }
    }
  }

  /** JSON Lines: each stored document on a line. */
  private static final class JsonPrinter implements Printer {
    private final PrintWriter out;

    JsonPrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void print(StoredEvent event) {
      out.write(new String(event.toJsonBytes(), StandardCharsets.UTF_8));
      out.write('\n');
    }

    @Override
    public void finish() {
      out.flush();
    }
  }

  /** YAML documents as kubectl writes them, one per event, separated by {@code ---}. */
  private static final class YamlPrinter implements Printer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private boolean first = true;

    YamlPrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void print(StoredEvent event) throws IOException {
      KubectlYaml.writeDocument(out, JSON.readTree(event.toJsonBytes()), first);
      first = false;
    }

    @Override
    public void finish() {
      out.flush();
    }
  }
}
