package io.kubetrail.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubetrail.history.KubectlYaml;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes reports. JSON and YAML are one tree:
 *
 * <pre>{@code
 * inventory, network-access, policy-audit:
 *   {"reportType", "startTime", "endTime",
 *    "endpoints": [{"endpoint": "<namespace>/<pod>", "namespace", "serviceAccount",
 *                   "ingressProtected", "egressProtected", "ingressFromInternet", "egressToInternet",
 *                   "ingressFromOtherNamespace", "egressToOtherNamespace",
 *                   "appliedPolicies": [...], "services": [...]}],
 *    "namespaces": [{"namespace", <the six flags>}],
 *    "services": [{"service", "ingressProtected", "ingressFromInternet",
 *                  "ingressFromOtherNamespace"}],
 *    "auditSummary": {"numTotal", "numCreate", "numModify", "numDelete"},
 *    "auditEvents": [<stored audit event>...],
 *    "policyChanges": [{"time", "user", "verb", "resource", "namespace", "name", "diff"}]
 *                     (policy-audit only),
 *    "evidence": {"eventsReplayed", "startedFrom", "warnings": [...]}}
 * changes:
 *   {"reportType", "startTime", "endTime",
 *    "objects": [{"resource": "<plural>[.<group>]", "namespace", "name",
 *                 "change": "created|deleted|modified|transient",
 *                 "writes": [{"time", "verb", "subresource", "user", "auditID"}], "diff"}],
 *    "evidence": {...}}
 * audit-policy:
 *   {"reportType", "policy", "policyWarnings": [...],
 *    "checks": [{"id", "title", "result": "pass|fail", "findings": [...]}],
 *    "coverage": [{"resource", "verb", "level", "rule", "sufficient"}], "evidence": {...}}
 * }</pre>
 *
 * <p>CSV is a set of files named as Calico's downloads; HTML is one self-contained page.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** The report as indented JSON. Does not close {@code out}. */
  public static void writeJson(Report report, OutputStream out) throws IOException {
    try (JsonGenerator g = jsonMapper().createGenerator(out)) {
      ReportJson.write(Objects.requireNonNull(report, "report"), g);
      g.writeRaw('\n');
    }
  }

  /** The report as YAML (diffs as literal blocks). Does not close {@code out}. */
  public static void writeYaml(Report report, OutputStream out) throws IOException {
    try (JsonGenerator g = yamlMapper().createGenerator(out)) {
      ReportJson.write(Objects.requireNonNull(report, "report"), g);
    }
  }

  /**
   * The report as JSON ({@link #writeJson}) or YAML ({@link #writeYaml}) into a character stream,
   * written as it is made. Does not close {@code out}.
   *
   * @throws IllegalArgumentException for a format of several files (CSV) or HTML
   */
  public static void print(Report report, ReportFormat format, Writer out) throws IOException {
    Objects.requireNonNull(report, "report");
    ObjectMapper m =
        switch (Objects.requireNonNull(format, "format")) {
          case JSON -> jsonMapper();
          case YAML -> yamlMapper();
          case CSV, HTML -> throw new IllegalArgumentException(format + " is not one document");
        };
    try (JsonGenerator g = m.createGenerator(out)) {
      ReportJson.write(report, g);
      if (format == ReportFormat.JSON) {
        g.writeRaw('\n');
      }
    }
  }

  private static ObjectMapper jsonMapper() {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    m.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return m;
  }

  private static YAMLMapper yamlMapper() {
    YAMLMapper m = KubectlYaml.mapper();
    m.enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE);
    m.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return m;
  }

  /** The report as one self-contained HTML page. */
  public static String html(Report report) {
    return ReportHtml.render(Objects.requireNonNull(report, "report"));
  }

  /**
   * The files a report is written as in a format, by name: {@code report.json}, {@code
   * report.yaml}, {@code report.html}, or the CSV files (for policy-audit also {@code events.json}
   * and {@code events.yaml}).
   */
  public static Map<String, byte[]> files(Report report, ReportFormat format) throws IOException {
    Objects.requireNonNull(report, "report");
    Map<String, byte[]> files = new LinkedHashMap<>();
    switch (Objects.requireNonNull(format, "format")) {
      case JSON -> files.put("report.json", bytes(out -> writeJson(report, out)));
      case YAML -> files.put("report.yaml", bytes(out -> writeYaml(report, out)));
      case HTML -> files.put("report.html", html(report).getBytes(StandardCharsets.UTF_8));
      case CSV ->
          ReportCsv.files(report)
              .forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return files;
  }

  /**
   * Writes a report's files into a directory, creating it when missing; files of the same names are
   * replaced.
   *
   * @return the files written, in order
   */
  public static List<Path> write(Report report, ReportFormat format, Path directory)
      throws IOException {
    Files.createDirectories(directory);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files(report, format).entrySet()) {
      Path p = directory.resolve(f.getKey());
      Files.write(p, f.getValue());
      written.add(p);
    }
    return written;
  }

  /** A directory name for a report's files: {@code network-access-20260101T000000Z}. */
  public static String directoryName(Report report) {
    String suffix = "";
    if (report instanceof ComplianceReport r) {
      suffix = "-" + compact(r.end().toString());
    } else if (report instanceof ChangesReport r) {
      suffix = "-" + compact(r.end().toString());
    }
    return report.type().id() + suffix;
  }

  private static String compact(String instant) {
    String s = instant.replace("-", "").replace(":", "");
    int dot = s.indexOf('.');
    return dot < 0 ? s : s.substring(0, dot) + "Z";
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  private static byte[] bytes(Body body) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    body.write(out);
    return out.toByteArray();
  }
}
