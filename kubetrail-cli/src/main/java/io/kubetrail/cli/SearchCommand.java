package io.kubetrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

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

  @Option(names = "--stage", paramLabel = "S", split = ",", description = "Events at this stage.")
  List<Stage> stages = new ArrayList<>();

  @Option(names = "--exclude-dry-run", description = "Leave out dry-run requests.")
  boolean excludeDryRun;

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
      Optional<PageCursor> cursor = Optional.empty();
      while (remaining > 0) {
        int pageSize = (int) Math.min(remaining, StoreOptions.DEFAULT_MAX_PAGE_SIZE);
        SearchPage page = audit.search(query, pageSize, cursor);
        for (StoredEvent event : page.events()) {
          printer.print(event);
        }
        remaining -= page.events().size();
        found += page.events().size();
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
            .changesOnly(changesOnly)
            .order(oldestFirst ? EventQuery.Order.OLDEST_FIRST : EventQuery.Order.NEWEST_FIRST);
    since.ifPresent(q::since);
    until.ifPresent(q::until);
    namespace.ifPresent(q::namespace);
    name.ifPresent(q::name);
    user.ifPresent(q::user);
    group.ifPresent(g -> q.apiGroup(g.equals("core") ? "" : g));
    resource.ifPresent(r -> resource(q, r));
    return q.build();
  }

  /** resource[.group][/subresource], as kubectl names resources. */
  private void resource(EventQuery.Builder q, String text) {
    String rest = text;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      q.subresource(rest.substring(slash + 1));
      rest = rest.substring(0, slash);
    }
    int dot = rest.indexOf('.');
    if (dot >= 0) {
      if (group.isPresent()) {
        throw new UsageException(
            "--resource " + text + " names a group, and so does --group: give only one");
      }
      q.apiGroup(rest.substring(dot + 1));
      rest = rest.substring(0, dot);
    }
    if (rest.isEmpty()) {
      throw new UsageException("--resource " + text + " names no resource");
    }
    q.resource(rest);
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
    private final StoreTable table =
        new StoreTable("TIME", "CLUSTER", "VERB", "RESOURCE", "NAMESPACE/NAME", "USER", "CODE");

    TablePrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void print(StoredEvent stored) {
      table.add(row(stored));
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

  static String[] row(StoredEvent stored) {
    AuditEvent e = stored.event();
    String resource;
    String object;
    if (e.objectRef().isPresent()) {
      ObjectReference ref = e.objectRef().get();
      resource =
          (ref.resource().isEmpty() ? "<none>" : ref.resource())
              + (ref.apiGroup().isEmpty() ? "" : "." + ref.apiGroup())
              + (ref.subresource().isEmpty() ? "" : "/" + ref.subresource());
      object = ref.namespace().isEmpty() ? stored.name() : ref.namespace() + "/" + stored.name();
    } else {
      int query = e.requestURI().indexOf('?');
      resource = query < 0 ? e.requestURI() : e.requestURI().substring(0, query);
      object = "-";
    }
    String user = e.user().map(UserInfo::username).filter(u -> !u.isEmpty()).orElse("<none>");
    if (e.impersonatedUser().isPresent()) {
      user += " (as " + e.impersonatedUser().get().username() + ")";
    }
    return new String[] {
      TIME.format(e.requestReceivedTimestamp()),
      stored.cluster(),
      e.verb(),
      resource,
      object,
      user,
      e.responseCode().isPresent() ? Integer.toString(e.responseCode().getAsInt()) : "<none>"
    };
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

  /** YAML documents, one per event, separated by {@code ---}. */
  private static final class YamlPrinter implements Printer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private final SequenceWriter yaml;

    YamlPrinter(PrintWriter out) {
      this.out = out;
      try {
        this.yaml = new YAMLMapper().writer().writeValues(new NonClosing(out));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void print(StoredEvent event) throws IOException {
      JsonNode tree = JSON.readTree(event.toJsonBytes());
      yaml.write(tree);
    }

    @Override
    public void finish() throws IOException {
      yaml.close();
      out.flush();
    }
  }

  /** Lets the YAML writer close its stream without closing standard output. */
  private static final class NonClosing extends FilterWriter {
    NonClosing(PrintWriter out) {
      super(out);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
