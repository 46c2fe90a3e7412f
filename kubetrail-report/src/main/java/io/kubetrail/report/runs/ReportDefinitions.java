package io.kubetrail.report.runs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ReportType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a reports file: Calico {@code GlobalReport} resources ({@code apiVersion:
 * projectcalico.org/v3}), one per YAML document or as the {@code items} of a {@code
 * GlobalReportList}. Every problem is gathered with its place ({@code reports.yaml: document 2
 * (daily): spec.schedule: ...}); a file with any problem is refused whole, as a configuration is.
 */
public final class ReportDefinitions {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Set<ReportType> SCHEDULABLE =
      Set.of(
          ReportType.INVENTORY,
          ReportType.NETWORK_ACCESS,
          ReportType.POLICY_AUDIT,
          ReportType.CHANGES);

  private final List<String> problems = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  private ReportDefinitions() {}

  /**
   * The definitions of a file, in its order.
   *
   * @throws ReportDefinitionException naming every bad field
   * @throws IOException when the file cannot be read
   */
  public static List<ReportDefinition> load(Path file)
      throws IOException, ReportDefinitionException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .readValues(Files.readAllBytes(file))) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          documents.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      throw new ReportDefinitionException(file.toString(), List.of("no such file"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ReportDefinitionException(
          file.toString(), List.of("not valid YAML: " + e.getOriginalMessage()));
    }
    ReportDefinitions p = new ReportDefinitions();
    List<ReportDefinition> out = p.documents(documents);
    if (!p.problems.isEmpty()) {
      throw new ReportDefinitionException(file.toString(), p.problems);
    }
    return out;
  }

  private List<ReportDefinition> documents(List<JsonNode> documents) {
    List<ReportDefinition> out = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode d = documents.get(i);
      String where = "document " + (i + 1);
      if (d.path("kind").asText("").equals("GlobalReportList")) {
        JsonNode items = d.path("items");
        if (!items.isArray()) {
          problems.add(where + ": items: expected a list of GlobalReports");
          continue;
        }
        for (int j = 0; j < items.size(); j++) {
          report(where + ": items[" + j + "]", items.get(j)).ifPresent(out::add);
        }
      } else {
        report(where, d).ifPresent(out::add);
      }
    }
    return out;
  }

  private Optional<ReportDefinition> report(String where, JsonNode n) {
    if (!n.isObject()) {
      problems.add(where + ": expected a GlobalReport mapping");
      return Optional.empty();
    }
    String name = n.path("metadata").path("name").asText("");
    String at = name.isEmpty() ? where : where + " (" + name + ")";
    int before = problems.size();
    unknown(at, "", n, Set.of("apiVersion", "kind", "metadata", "spec"));
    String apiVersion = n.path("apiVersion").asText("projectcalico.org/v3");
    if (!apiVersion.equals("projectcalico.org/v3")) {
      problems.add(at + ": apiVersion: expected projectcalico.org/v3, got " + apiVersion);
    }
    String kind = n.path("kind").asText("GlobalReport");
    if (!kind.equals("GlobalReport")) {
      problems.add(at + ": kind: expected GlobalReport, got " + kind);
    }
    if (!NAME.matcher(name).matches()) {
      problems.add(
          at
              + ": metadata.name: expected lower-case letters, digits and '-' (at most 63),"
              + " got \""
              + name
              + "\"");
    } else if (!names.add(name)) {
      problems.add(at + ": metadata.name: another report has this name");
    }
    JsonNode spec = n.path("spec");
    if (!spec.isObject()) {
      problems.add(at + ": spec: missing or not a mapping");
      return Optional.empty();
    }
    unknown(
        at,
        "spec.",
        spec,
        Set.of("reportType", "schedule", "endpoints", "suspend", "jobNodeSelector", "cis"));
    Optional<ReportType> type = type(at, spec.path("reportType"));
    Optional<CronSchedule> schedule = schedule(at, spec.path("schedule"));
    Optional<EndpointScope> scope = scope(at, spec.path("endpoints"));
    boolean suspend = false;
    JsonNode s = spec.get("suspend");
    if (s != null && !s.isNull()) {
      if (!s.isBoolean()) {
        problems.add(at + ": spec.suspend: expected true or false, got " + s);
      }
      suspend = s.asBoolean();
    }
    if (problems.size() > before || type.isEmpty() || schedule.isEmpty() || scope.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ReportDefinition(name, type.get(), schedule.get(), scope.get(), suspend));
  }

  private Optional<ReportType> type(String at, JsonNode node) {
    Optional<ReportType> t = ReportType.byId(node.asText(""));
    if (t.isEmpty() || !SCHEDULABLE.contains(t.get())) {
      problems.add(
          at
              + ": spec.reportType: expected inventory, network-access, policy-audit or changes,"
              + " got "
              + (node.isMissingNode() ? "nothing" : node.toString()));
      return Optional.empty();
    }
    return t;
  }

  private Optional<CronSchedule> schedule(String at, JsonNode node) {
    if (!node.isTextual()) {
      problems.add(at + ": spec.schedule: missing: a cron schedule such as \"0 0 * * *\"");
      return Optional.empty();
    }
    try {
      return Optional.of(CronSchedule.parse(node.asText()));
    } catch (IllegalArgumentException e) {
      problems.add(at + ": spec.schedule: " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<EndpointScope> scope(String at, JsonNode e) {
    if (e.isMissingNode() || e.isNull()) {
      return Optional.of(EndpointScope.everything());
    }
    if (!e.isObject()) {
      problems.add(at + ": spec.endpoints: expected a mapping");
      return Optional.empty();
    }
    unknown(at, "spec.endpoints.", e, Set.of("selector", "namespaces", "serviceAccounts"));
    JsonNode ns = e.path("namespaces");
    JsonNode sa = e.path("serviceAccounts");
    unknown(at, "spec.endpoints.namespaces.", ns, Set.of("names", "selector"));
    unknown(at, "spec.endpoints.serviceAccounts.", sa, Set.of("names", "selector"));
    List<String> namespaces = strings(at, "spec.endpoints.namespaces.names", ns.path("names"));
    List<String> accounts = strings(at, "spec.endpoints.serviceAccounts.names", sa.path("names"));
    String selector = text(at, "spec.endpoints.selector", e.path("selector"));
    String nsSelector = text(at, "spec.endpoints.namespaces.selector", ns.path("selector"));
    String saSelector = text(at, "spec.endpoints.serviceAccounts.selector", sa.path("selector"));
    try {
      return Optional.of(
          EndpointScope.of(selector, namespaces, nsSelector, accounts)
              .withServiceAccountSelector(saSelector));
    } catch (IllegalArgumentException x) {
      problems.add(at + ": spec.endpoints: " + x.getMessage());
      return Optional.empty();
    }
  }

  private String text(String at, String field, JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      problems.add(at + ": " + field + ": expected a string, got " + node);
      return "";
    }
    return node.asText();
  }

  private List<String> strings(String at, String field, JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problems.add(at + ": " + field + ": expected a list of names");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        problems.add(at + ": " + field + "[" + i + "]: expected a string, got " + node.get(i));
      } else {
        out.add(node.get(i).asText());
      }
    }
    return out;
  }

  private void unknown(String at, String prefix, JsonNode node, Set<String> known) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add(
            at
                + ": "
                + prefix
                + f
                + ": unknown field; expected one of "
                + new java.util.TreeSet<>(known));
      }
    }
  }
}
