package io.kubetrail.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ChangesReport;
import io.kubetrail.report.ComplianceReport;
import io.kubetrail.report.Report;
import io.kubetrail.report.ReportException;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.ReportSpec;
import io.kubetrail.report.ReportType;
import io.kubetrail.report.ReportWriter;
import io.kubetrail.report.Reports;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.QueryText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The changes between two times, and reports run now: by type, or a scheduled one. */
final class ReportRoutes {
  private final ServerContext server;

  ReportRoutes(ServerContext server) {
    this.server = server;
  }

  /** {@code GET /changes}: the changes report between {@code start} and {@code end}, as JSON. */
  void changes(Context ctx, Caller caller, AuditStore store) throws IOException {
    Report report = run(ctx, caller, store, ReportType.CHANGES);
    int rows = report instanceof ChangesReport c ? c.objects().size() : 0;
    server.access().record(ctx, caller, "changes", rows);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportWriter.writeJson(report, out);
    ctx.contentType("application/json").result(out.toByteArray());
  }

  /** {@code GET /reports}: the report types. */
  void types(Context ctx, Caller caller) {
    ObjectNode body = Http.object();
    ArrayNode list = body.putArray("types");
    for (ReportType t : ReportType.values()) {
      if (t.needsInterval()) {
        ObjectNode n = list.addObject();
        n.put("id", t.id());
        n.put("title", t.title());
      }
    }
    ArrayNode formats = body.putArray("formats");
    for (ReportFormat f : ReportFormat.values()) {
      formats.add(f.id());
    }
    Http.json(ctx, body);
  }

  /**
   * {@code GET /reports/{type}}: runs a report now; {@code format} json (default), yaml, html, or
   * csv (a zip of Calico's CSV files).
   */
  void report(Context ctx, Caller caller, AuditStore store) throws IOException {
    String id = ctx.pathParam("type");
    ReportType type =
        ReportType.byId(id)
            .filter(ReportType::needsInterval)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "type",
                        "no report type "
                            + id
                            + "; the types: inventory, network-access,"
                            + " policy-audit, changes"));
    ReportFormat format =
        QueryText.one(Http.param(ctx, "format").orElse("json"), ReportFormat.class, "format");
    Report report = run(ctx, caller, store, type);
    server.access().record(ctx, caller, "report " + type.id() + " " + format.id(), rows(report));
    send(ctx, report, format);
  }

  /**
   * {@code GET /report-definitions/{name}/run}: a scheduled report made now, with its type and
   * scope, over its current period so far (from its schedule's last firing to now) unless {@code
   * start} and {@code end} say otherwise; not kept. A viewer's is limited to the namespaces both it
   * and the definition admit.
   */
  void runDefinition(Context ctx, Caller caller, AuditStore store) throws IOException {
    String name = ctx.pathParam("name");
    ReportDefinition definition =
        server.options().reportDefinitions().stream()
            .filter(d -> d.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "name",
                        "no scheduled report "
                            + name
                            + (server.options().reportDefinitions().isEmpty()
                                ? ": the server was given no reports file"
                                : "")));
    ReportFormat format =
        QueryText.one(Http.param(ctx, "format").orElse("json"), ReportFormat.class, "format");
    String cluster = Filters.cluster(ctx, store);
    Instant now = server.now();
    Instant end = Http.time(ctx, "end", now).orElse(now);
    Instant start =
        Http.time(ctx, "start", now)
            .or(() -> definition.periodStart(end.minusNanos(1)))
            .orElseThrow(() -> required("start"));
    checkInterval(start, end);
    ReportSpec spec =
        definition
            .spec(start, end)
            .withScope(narrowed(definition.scope(), caller, definition.name()));
    Report report = generate(store, cluster, spec);
    server.access().record(ctx, caller, "report " + name + " " + format.id(), rows(report));
    send(ctx, report, format);
  }

  /** A report in a format: one document, or for CSV a zip of Calico's files. */
  private static void send(Context ctx, Report report, ReportFormat format) throws IOException {
    Map<String, byte[]> files = ReportWriter.files(report, format);
    String base = ReportWriter.directoryName(report);
    switch (format) {
      case JSON -> ctx.contentType("application/json").result(files.get("report.json"));
      case YAML -> ctx.contentType("application/yaml").result(files.get("report.yaml"));
      case HTML -> ctx.contentType("text/html; charset=utf-8").result(files.get("report.html"));
      case CSV -> {
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + base + ".zip\"");
        OutputStream out = ctx.res().getOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            zip.putNextEntry(new ZipEntry(base + "/" + f.getKey()));
            zip.write(f.getValue());
            zip.closeEntry();
          }
        }
      }
    }
  }

  /**
   * A definition's scope for a caller: unchanged for one who reads everything; for a viewer, only
   * the namespaces both admit, and 403 when they share none.
   */
  static EndpointScope narrowed(EndpointScope scope, Caller caller, String report) {
    if (!caller.scoped()) {
      return scope;
    }
    if (caller.namespaces().isEmpty()) {
      throw ApiException.forbidden("", caller.name() + " may read no namespace");
    }
    List<String> names = new ArrayList<>(caller.namespaces());
    if (!scope.namespaceNames().isEmpty()) {
      names.retainAll(scope.namespaceNames());
    }
    if (names.isEmpty()) {
      throw ApiException.forbidden(
          "name",
          "report "
              + report
              + " covers namespaces "
              + String.join(", ", scope.namespaceNames())
              + "; "
              + caller.name()
              + " may read "
              + String.join(", ", caller.namespaces()));
    }
    return new EndpointScope(
        scope.selector(), names, scope.namespaceSelector(), scope.serviceAccountNames());
  }

  private static int rows(Report report) {
    if (report instanceof ChangesReport c) {
      return c.objects().size();
    }
    if (report instanceof ComplianceReport c) {
      return c.endpoints().size();
    }
    return 0;
  }

  /**
   * Runs a report of one type from the request's parameters: {@code cluster}, {@code start}, {@code
   * end}, {@code namespaces}, {@code endpointsSelector}, {@code namespaceSelector}, {@code
   * serviceAccounts}, {@code serviceAccountSelector}, and for changes {@code resource} and {@code
   * user}. A viewer's reports are limited to its namespaces.
   */
  private Report run(Context ctx, Caller caller, AuditStore store, ReportType type)
      throws IOException {
    String cluster = Filters.cluster(ctx, store);
    Instant now = server.now();
    Instant start = Http.time(ctx, "start", now).orElseThrow(() -> required("start"));
    Instant end = Http.time(ctx, "end", now).orElse(now);
    checkInterval(start, end);
    List<String> namespaces = Http.values(ctx, "namespaces");
    for (String n : namespaces) {
      Filters.requireReadable(caller, n, "namespaces");
    }
    EndpointScope scope;
    try {
      scope =
          EndpointScope.of(
                  Http.param(ctx, "endpointsSelector").orElse(""),
                  namespaces,
                  Http.param(ctx, "namespaceSelector").orElse(""),
                  Http.values(ctx, "serviceAccounts"))
              .withServiceAccountSelector(Http.param(ctx, "serviceAccountSelector").orElse(""));
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new BadParameterException(
          m.contains("service account selector")
              ? "serviceAccountSelector"
              : m.contains("namespace selector") ? "namespaceSelector" : "endpointsSelector",
          m);
    }
    ReportSpec spec = ReportSpec.of(type, start, end).withScope(narrowed(scope, caller, type.id()));
    if (Http.param(ctx, "resource").isPresent()) {
      try {
        spec = spec.withResource(ResourceType.parse(Http.param(ctx, "resource").get()));
      } catch (IllegalArgumentException e) {
        throw new BadParameterException("resource", "resource: " + e.getMessage());
      }
    }
    if (Http.param(ctx, "user").isPresent()) {
      spec = spec.withUser(Http.param(ctx, "user").get());
    }
    return generate(store, cluster, spec);
  }

  private Report generate(AuditStore store, String cluster, ReportSpec spec) throws IOException {
    try {
      return Reports.generate(new ReportSource(store, cluster, server.history()), spec);
    } catch (ReportException e) {
      throw new ApiException(422, "", e.getMessage());
    }
  }

  private static void checkInterval(Instant start, Instant end) {
    if (!start.isBefore(end)) {
      throw new BadParameterException(
          "start", "start (" + start + ") must be before end (" + end + ")");
    }
  }

  private static BadParameterException required(String name) {
    return new BadParameterException(name, name + " is required");
  }
}
