package io.kubetrail.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.event.TimeText;
import io.kubetrail.history.KubectlYaml;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.EventRow;
import io.kubetrail.store.search.QueryText;
import io.kubetrail.store.search.RequestPage;
import io.kubetrail.store.search.RequestPager;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

/** Events: search, export, one request, histogram, facets. */
final class EventRoutes {
  private final ServerContext server;

  /**
   * Searches answered at once ({@link ServerOptions#searchesAtOnce()}); the others wait their turn
   * in arrival order. A search is CPU work: run many at once on few cores and each takes as long as
   * all of them together, while in turn each waits about as long as the others and then runs at the
   * cores' speed, so a slow search no longer drags out the quick ones around it.
   */
  private final Semaphore searches;

  EventRoutes(ServerContext server) {
    this.server = server;
    this.searches = new Semaphore(server.options().searchesAtOnce(), true);
  }

  /** {@code GET /clusters}: the clusters the store holds events of. */
  void clusters(Context ctx, Caller caller, AuditStore store) throws IOException {
    ObjectNode body = Http.object();
    ArrayNode list = body.putArray("clusters");
    store.clusters().forEach(list::add);
    Http.json(ctx, body);
  }

  /** {@code GET /events}: one page of requests, newest first by default. */
  void search(Context ctx, Caller caller, AuditStore store) throws IOException {
    EventQuery q = Filters.query(ctx, caller, store, server.now());
    int limit =
        Http.integer(
            ctx, "limit", server.options().defaultPageSize(), 1, server.options().maxPageSize());
    boolean full = Http.flag(ctx, "full");
    Optional<String> cursor = Http.param(ctx, RequestPager.CURSOR);
    searches.acquireUninterruptibly();
    try {
      searchPage(ctx, caller, store, q, limit, cursor, full);
    } finally {
      searches.release();
    }
  }

  private void searchPage(
      Context ctx,
      Caller caller,
      AuditStore store,
      EventQuery q,
      int limit,
      Optional<String> cursor,
      boolean full)
      throws IOException {
    RequestPage page = RequestPager.page(store, q, limit, cursor);
    server.access().record(ctx, caller, "search", page.events().size());
    // Written as it is read, with no tree of the page in between: pages are the API's most
    // frequent answer.
    Http.json(
        ctx,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("events");
          for (StoredEvent e : page.events()) {
            g.writeStartObject();
            writeRow(g, EventRow.of(e));
            if (full) {
              g.writeFieldName("event");
              g.writeTree(Http.JSON.readTree(e.toJsonBytes()));
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          if (page.next().isPresent()) {
            g.writeStringField("next", page.next().get());
          }
          g.writeEndObject();
        });
  }

  /**
   * {@code GET /events/export}: every matching request, as JSON Lines, YAML documents, or CSV rows
   * of {@link EventRow#CSV_COLUMNS} under a header.
   */
  void export(Context ctx, Caller caller, AuditStore store) throws IOException {
    EventQuery q = Filters.query(ctx, caller, store, server.now());
    String format = Http.param(ctx, "format").orElse("json");
    String type =
        switch (format) {
          case "json" -> "application/x-ndjson";
          case "yaml" -> "application/yaml";
          case "csv" -> "text/csv; charset=utf-8";
          default ->
              throw new BadParameterException(
                  "format", "format: expected json, yaml or csv, got '" + format + "'");
        };
    int limit =
        Http.integer(
            ctx, "limit", server.options().maxExportRows(), 1, server.options().maxExportRows());
    ctx.contentType(type);
    ctx.header("Content-Disposition", "attachment; filename=\"kubetrail-events." + format + "\"");
    // Streamed page by page, so that an export of many events holds one page in memory.
    Writer w = new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8);
    long written = 0;
    if (format.equals("csv")) {
      w.write(EventRow.csvHeader());
    }
    Optional<String> cursor = Optional.empty();
    do {
      int want = (int) Math.min(1000, limit - written);
      RequestPage page = RequestPager.page(store, q, want, cursor);
      List<StoredEvent> events = page.events();
      for (StoredEvent e : events.subList(0, Math.min(events.size(), want))) {
        if (format.equals("json")) {
          w.write(e.toJson());
          w.write('\n');
        } else if (format.equals("csv")) {
          w.write(EventRow.of(e).csvRecord());
        } else {
          KubectlYaml.writeDocument(w, Http.JSON.readTree(e.toJsonBytes()), written == 0);
        }
        written++;
      }
      cursor = page.next();
    } while (cursor.isPresent() && written < limit);
    server.access().record(ctx, caller, "export " + format, written);
    w.flush();
  }

  /** {@code GET /requests/{cluster}/{auditID}}: every stored stage of one request. */
  void request(Context ctx, Caller caller, AuditStore store) throws IOException {
    EventQuery.Builder q =
        EventQuery.builder()
            .clusters(ctx.pathParam("cluster"))
            .auditID(ctx.pathParam("auditID"))
            .order(EventQuery.Order.OLDEST_FIRST);
    Filters.scope(q, caller);
    SearchPage page = store.search(q.build(), 100, Optional.empty());
    if (page.events().isEmpty()) {
      throw ApiException.notFound(
          "auditID", "no request " + ctx.pathParam("auditID") + " that you may read is stored");
    }
    ObjectNode body = Http.object();
    ArrayNode stages = body.putArray("events");
    for (StoredEvent e : page.events()) {
      stages.add(Http.JSON.readTree(e.toJsonBytes()));
    }
    server.access().record(ctx, caller, "request", page.events().size());
    Http.json(ctx, body);
  }

  /** {@code GET /histogram}: requests per time bucket. */
  void histogram(Context ctx, Caller caller, AuditStore store) throws IOException {
    EventQuery q = Filters.counting(Filters.query(ctx, caller, store, server.now()));
    Duration bucket = bucket(ctx, store, q);
    List<HistogramBucket> buckets;
    try {
      buckets = store.histogram(q, bucket);
    } catch (io.kubetrail.store.StoreException e) {
      // The store's bucket limit: a bucket too short for the time range.
      throw new BadParameterException("bucket", "bucket " + bucket + ": " + e.getMessage());
    }
    ObjectNode body = Http.object();
    body.put("bucket", bucket.toString());
    body.put("bucketSeconds", bucket.toMillis() / 1000.0);
    long total = 0;
    ArrayNode list = body.putArray("buckets");
    for (HistogramBucket b : buckets) {
      ObjectNode n = list.addObject();
      n.put("start", b.start().toString());
      n.put("count", b.count());
      total += b.count();
    }
    body.put("total", total);
    server.access().record(ctx, caller, "histogram", buckets.size());
    Http.json(ctx, body);
  }

  /** {@code GET /facets}: how many requests have each value of some fields. */
  void facets(Context ctx, Caller caller, AuditStore store) throws IOException {
    EventQuery q = Filters.counting(Filters.query(ctx, caller, store, server.now()));
    Set<FacetField> fields = EnumSet.noneOf(FacetField.class);
    for (String f : Http.values(ctx, "field")) {
      fields.add(QueryText.one(f, FacetField.class, "field"));
    }
    if (fields.isEmpty()) {
      fields = EnumSet.allOf(FacetField.class);
    }
    int limit = Http.integer(ctx, "limit", 10, 1, server.options().maxFacetValues());
    ObjectNode body = Http.object();
    body.put("total", store.count(q));
    ObjectNode all = body.putObject("facets");
    int values = 0;
    for (FacetField f : fields) {
      ArrayNode list = all.putArray(f.id());
      for (FacetCount c : store.facet(q, f, limit)) {
        ObjectNode n = list.addObject();
        n.put("value", c.value());
        n.put("count", c.count());
        values++;
      }
    }
    server.access().record(ctx, caller, "facets", values);
    Http.json(ctx, body);
  }

  /** The bucket given, else one that splits the time range into about {@code buckets} buckets. */
  private Duration bucket(Context ctx, AuditStore store, EventQuery q) throws IOException {
    Optional<String> given = Http.param(ctx, "bucket");
    if (given.isPresent()) {
      Duration d;
      try {
        d = TimeText.parseDuration(given.get());
      } catch (IllegalArgumentException e) {
        throw new BadParameterException("bucket", "bucket: " + e.getMessage());
      }
      if (d.isZero()) {
        throw new BadParameterException("bucket", "bucket must be longer than 0s");
      }
      return d;
    }
    int target = Http.integer(ctx, "buckets", 60, 1, 1000);
    Optional<Instant> from = q.since().or(() -> edge(store, q, EventQuery.Order.OLDEST_FIRST));
    Optional<Instant> to = q.until().or(() -> edge(store, q, EventQuery.Order.NEWEST_FIRST));
    long span =
        from.isPresent() && to.isPresent()
            ? Math.max(1, Duration.between(from.get(), to.get()).getSeconds())
            : 60;
    return Duration.ofSeconds(nice(Math.max(1, (span + target - 1) / target)));
  }

  private static Optional<Instant> edge(AuditStore store, EventQuery q, EventQuery.Order order) {
    try {
      return store.search(q.toBuilder().order(order).build(), 1, Optional.empty()).events().stream()
          .findFirst()
          .map(e -> e.event().requestReceivedTimestamp());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The next of 1 s, 5 s, 10 s, 30 s, 1 m, 5 m, ... at or above {@code seconds}. */
  private static long nice(long seconds) {
    long[] steps = {1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400, 604800};
    for (long s : steps) {
      if (s >= seconds) {
        return s;
      }
    }
    return seconds;
  }

  /**
   * The fields of a search row, in the order the API has always written them, their names encoded
   * once: pages write twenty of them a row.
   */
  private enum RowField {
    TIME("time"),
    CLUSTER("cluster"),
    AUDIT_ID("auditID"),
    STAGE("stage"),
    LEVEL("level"),
    VERB("verb"),
    API_GROUP("apiGroup"),
    RESOURCE("resource"),
    SUBRESOURCE("subresource"),
    NAMESPACE("namespace"),
    NAME("name"),
    REQUEST_URI("requestURI"),
    USER("user"),
    IMPERSONATED_USER("impersonatedUser"),
    RESPONSE_CODE("responseCode"),
    DRY_RUN("dryRun"),
    CHANGE("change"),
    RESOURCE_TEXT("resourceText"),
    OBJECT_TEXT("objectText"),
    OBJECT_KEY("objectKey");

    final SerializedString name;

    RowField(String name) {
      this.name = new SerializedString(name);
    }
  }

  /** The fields of a search row, in the order of {@link RowField}. */
  static void writeRow(JsonGenerator g, EventRow r) throws IOException {
    string(g, RowField.TIME, TimeText.format(r.time()));
    string(g, RowField.CLUSTER, r.cluster());
    string(g, RowField.AUDIT_ID, r.auditID());
    string(g, RowField.STAGE, r.stage());
    string(g, RowField.LEVEL, r.level());
    string(g, RowField.VERB, r.verb());
    string(g, RowField.API_GROUP, r.apiGroup());
    string(g, RowField.RESOURCE, r.resource());
    string(g, RowField.SUBRESOURCE, r.subresource());
    string(g, RowField.NAMESPACE, r.namespace());
    string(g, RowField.NAME, r.name());
    string(g, RowField.REQUEST_URI, r.requestURI());
    string(g, RowField.USER, r.user());
    string(g, RowField.IMPERSONATED_USER, r.impersonatedUser());
    g.writeFieldName(RowField.RESPONSE_CODE.name);
    g.writeNumber(r.responseCode());
    g.writeFieldName(RowField.DRY_RUN.name);
    g.writeBoolean(r.dryRun());
    g.writeFieldName(RowField.CHANGE.name);
    g.writeBoolean(r.change());
    string(g, RowField.RESOURCE_TEXT, r.resourceText());
    string(g, RowField.OBJECT_TEXT, r.objectText());
    string(g, RowField.OBJECT_KEY, objectKey(r).orElse(""));
  }

  private static void string(JsonGenerator g, RowField field, String value) throws IOException {
    g.writeFieldName(field.name);
    g.writeString(value);
  }

  /** The object argument of {@code /history} for the row's object, when it names one. */
  private static Optional<String> objectKey(EventRow r) {
    if (!r.resourceRequest() || r.resource().isEmpty() || r.name().equals("-")) {
      return Optional.empty();
    }
    String type = r.apiGroup().isEmpty() ? r.resource() : r.resource() + "." + r.apiGroup();
    return Optional.of(
        r.namespace().isEmpty() || r.resource().equals("namespaces")
            ? type + "/" + r.name()
            : type + "/" + r.namespace() + "/" + r.name());
  }
}
