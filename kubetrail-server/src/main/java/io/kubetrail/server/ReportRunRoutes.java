package io.kubetrail.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportType;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.RunFilter;
import io.kubetrail.report.runs.RunNamespaces;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.QueryText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scheduled reports: their definitions, and the runs a collector kept in the store (list, one,
 * download). A viewer is shown only the runs whose every row lies in its namespaces: a kept run's
 * files cannot be cut row by row; running the definition now gives it its own namespaces' rows.
 */
final class ReportRunRoutes {
  /** Most namespace sets remembered; runs never change, so an entry is never stale. */
  private static final int MAX_REMEMBERED = 10_000;

  /** The most runs one list answers. */
  static final int MAX_LIMIT = 10_000;

  private final ServerContext server;
  private final Map<String, Set<String>> namespaces = new ConcurrentHashMap<>();

  ReportRunRoutes(ServerContext server) {
    this.server = server;
  }

  /** {@code GET /report-definitions}: the scheduled reports the server was given. */
  void definitions(Context ctx) {
    ObjectNode body = Http.object();
    ArrayNode list = body.putArray("definitions");
    for (ReportDefinition d : server.options().reportDefinitions()) {
      list.add(d.toJson());
    }
    Http.json(ctx, body);
  }

  /** {@code GET /report-runs}: kept runs, newest period first. */
  void list(Context ctx, Caller caller, AuditStore store) throws IOException {
    RunFilter f =
        RunFilter.all()
            .withLimit(Http.integer(ctx, "limit", RunFilter.DEFAULT_LIMIT, 1, MAX_LIMIT));
    if (Http.param(ctx, "cluster").isPresent()) {
      f = f.withCluster(Http.param(ctx, "cluster").get());
    }
    if (Http.param(ctx, "report").isPresent()) {
      f = f.withReport(Http.param(ctx, "report").get());
    }
    if (Http.param(ctx, "type").isPresent()) {
      f = f.withType(type(Http.param(ctx, "type").get()));
    }
    if (Http.time(ctx, "from", server.now()).isPresent()) {
      f = f.withFrom(Http.time(ctx, "from", server.now()).get());
    }
    if (Http.time(ctx, "to", server.now()).isPresent()) {
      f = f.withTo(Http.time(ctx, "to", server.now()).get());
    }
    ReportRuns runs = server.reportRuns(store);
    ObjectNode body = Http.object();
    ArrayNode list = body.putArray("runs");
    int hidden = 0;
    for (ReportRun r : runs.list(f)) {
      if (visible(runs, r, caller)) {
        list.add(r.toJson());
      } else {
        hidden++;
      }
    }
    if (caller.scoped()) {
      body.put("hidden", hidden);
    }
    server.access().record(ctx, caller, "report runs", list.size());
    Http.json(ctx, body);
  }

  /** {@code GET /report-runs/{id}}: one kept run. */
  void show(Context ctx, Caller caller, AuditStore store) throws IOException {
    ReportRuns runs = server.reportRuns(store);
    ReportRun run = readable(runs, ctx.pathParam("id"), caller);
    server.access().record(ctx, caller, "report run " + run.id(), 1);
    Http.json(ctx, run.toJson());
  }

  /**
   * {@code GET /report-runs/{id}/download}: a kept run's report in a format; HTML is shown in the
   * browser, the others are attachments named as {@code kubetrail report download} names them.
   */
  void download(Context ctx, Caller caller, AuditStore store) throws IOException {
    ReportFormat format =
        QueryText.one(Http.param(ctx, "format").orElse("json"), ReportFormat.class, "format");
    ReportRuns runs = server.reportRuns(store);
    ReportRun run = readable(runs, ctx.pathParam("id"), caller);
    ctx.contentType(
        switch (format) {
          case JSON -> "application/json";
          case YAML -> "application/yaml";
          case HTML -> "text/html; charset=utf-8";
          case CSV -> "application/zip";
        });
    if (format != ReportFormat.HTML) {
      ctx.header(
          "Content-Disposition",
          "attachment; filename=\"" + ReportRuns.fileName(run.id(), format) + "\"");
    }
    server.access().record(ctx, caller, "report run " + run.id() + " " + format.id(), 1);
    try (InputStream in = runs.open(run.id(), format)) {
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
    }
  }

  private ReportRun readable(ReportRuns runs, String id, Caller caller) throws IOException {
    ReportRun run =
        runs.get(id)
            .orElseThrow(() -> ApiException.notFound("id", "no report run " + id + " is kept"));
    if (!visible(runs, run, caller)) {
      throw ApiException.forbidden(
          "id",
          "report run "
              + id
              + " shows namespaces "
              + caller.name()
              + " may not read; run report "
              + run.report()
              + " now for "
              + String.join(", ", caller.namespaces()));
    }
    return run;
  }

  private boolean visible(ReportRuns runs, ReportRun run, Caller caller) throws IOException {
    if (!caller.scoped()) {
      return true;
    }
    Set<String> shown = namespaces.get(run.id());
    if (shown == null) {
      shown = RunNamespaces.of(runs, run.id());
      if (namespaces.size() < MAX_REMEMBERED) {
        namespaces.put(run.id(), shown);
      }
    }
    return shown.stream().allMatch(caller::mayRead);
  }

  private static ReportType type(String text) {
    return ReportType.byId(text)
        .orElseThrow(
            () ->
                new BadParameterException(
                    "type",
                    "type: unknown report type '" + text + "'; expected " + ReportType.ids()));
  }
}
