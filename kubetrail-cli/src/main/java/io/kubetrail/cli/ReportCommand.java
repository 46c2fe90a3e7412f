package io.kubetrail.cli;

import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.CalicoSelector;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.report.Report;
import io.kubetrail.report.ReportException;
import io.kubetrail.report.ReportFormat;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.ReportSpec;
import io.kubetrail.report.ReportType;
import io.kubetrail.report.ReportWriter;
import io.kubetrail.report.Reports;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail report}: a compliance report over the stored history. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    subcommands = {ReportListCommand.class, ReportShowCommand.class, ReportDownloadCommand.class},
    description = {
      "Make a compliance report from the stored history.",
      "Types: inventory, network-access and policy-audit (Calico's reports); changes (what"
          + " changed between two times: objects created, deleted, modified and transient, who"
          + " wrote them, and the YAML diff); audit-policy (CIS 3.2.1 and 3.2.2, and what a"
          + " policy logs of the changes replay needs).",
      "--format json or yaml without --out prints the report; csv and html write files into"
          + " --out, or into a directory named after the report.",
      "Reports made on schedule by 'kubetrail collect' (its reports: file) are kept in the"
          + " store: 'report list', 'report show ID' and 'report download ID' read them back."
    })
final class ReportCommand implements Callable<Integer> {

  @Mixin StateCommand.StoreArgs store;
  @Mixin StateCommand.ReplayArgs replay;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "inventory, network-access, policy-audit, changes or audit-policy.")
  String type;

  @Option(
      names = "--start",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "The interval's start: " + TimeArgument.INSTANT_FORMS + ".")
  Instant start;

  @Option(
      names = "--end",
      paramLabel = "T",
      converter = TimeArgument.InstantConverter.class,
      description = "The interval's end.")
  Instant end;

  @Option(
      names = "--endpoints-selector",
      paramLabel = "SEL",
      description =
          "Only pods whose labels match this selector, in Calico's syntax as in a"
              + " GlobalReport (app == 'web' && tier in {'a', 'b'}).")
  String endpointsSelector = "";

  @Option(
      names = "--namespaces",
      split = ",",
      paramLabel = "NS",
      description = "Only these namespaces (also filters the changes report).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--namespace-selector",
      paramLabel = "SEL",
      description =
          "Only pods in namespaces whose labels match this selector (Calico's syntax);"
              + " with --namespaces, both must hold.")
  String namespaceSelector = "";

  @Option(
      names = "--service-accounts",
      split = ",",
      paramLabel = "SA",
      description = "Only pods running as these service accounts.")
  List<String> serviceAccounts = new ArrayList<>();

  @Option(
      names = "--service-account-selector",
      paramLabel = "SEL",
      description =
          "Only pods whose ServiceAccount's labels match this selector (Calico's syntax);"
              + " with --service-accounts, both must hold.")
  String serviceAccountSelector = "";

  @Option(
      names = "--resource",
      paramLabel = "R",
      description = "changes: only this resource, plural or plural.group.")
  String resource;

  @Option(
      names = "--user",
      paramLabel = "U",
      description = "changes: only objects this user wrote.")
  String user;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "audit-policy: the audit policy file to check; other types: the policy in force, whose"
              + " gaps the report's evidence warns of.")
  Path policy;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "json",
      description = "json, yaml, csv or html (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the report's files into this directory.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (type == null) {
      throw new UsageException(
          "--type: missing: give a report type ("
              + ReportType.ids()
              + "), or list, show or download a scheduled report's run");
    }
    ReportType reportType =
        ReportType.byId(type)
            .orElseThrow(
                () ->
                    new UsageException(
                        "--type: unknown report type '"
                            + type
                            + "'; expected one of "
                            + ReportType.ids()));
    ReportFormat reportFormat = format();
    PrintWriter err = spec.commandLine().getErr();
    Report report;
    if (reportType == ReportType.AUDIT_POLICY) {
      Optional<LoadedPolicy> loaded = auditPolicy(err);
      if (loaded.isEmpty()) {
        return ExitCodes.USAGE;
      }
      report = Reports.auditPolicy(loaded.get());
    } else {
      ReportSpec reportSpec = spec(reportType, err);
      if (policy != null) {
        Optional<LoadedPolicy> inForce = PolicyFiles.load(policy, err);
        if (inForce.isEmpty()) {
          return ExitCodes.USAGE;
        }
        reportSpec = reportSpec.withAuditPolicy(inForce.get());
      }
      try (AuditStore s = store.open()) {
        store.warnIfUnknown(s, err);
        report = Reports.generate(new ReportSource(s, store.cluster, replay.options()), reportSpec);
      } catch (ReportException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return ExitCodes.REJECTED;
      }
    }
    report.evidence().warnings().forEach(w -> err.println("warning: " + w));
    err.flush();
    write(report, reportFormat, err);
    return ExitCodes.OK;
  }

  private ReportFormat format() {
    return format(format);
  }

  /** A {@code --format} value. */
  static ReportFormat format(String format) {
    for (ReportFormat f : ReportFormat.values()) {
      if (f.id().equals(format)) {
        return f;
      }
    }
    throw new UsageException(
        "--format: unknown format '" + format + "'; expected json, yaml, csv or html");
  }

  private Optional<LoadedPolicy> auditPolicy(PrintWriter err) {
    if (policy == null) {
      throw new UsageException("--policy: the audit-policy report needs the audit policy file");
    }
    return PolicyFiles.load(policy, err);
  }

  /** The spec of an interval report; every bad option is named. */
  private ReportSpec spec(ReportType reportType, PrintWriter err) {
    if (reportType != ReportType.CHANGES && (resource != null || user != null)) {
      throw new UsageException(
          (resource != null ? "--resource" : "--user") + " is for --type changes only");
    }
    if (start == null) {
      throw new UsageException("--start: the " + reportType.id() + " report needs a start time");
    }
    if (end == null) {
      throw new UsageException("--end: the " + reportType.id() + " report needs an end time");
    }
    if (!start.isBefore(end)) {
      throw new UsageException("--end: " + end + " is not after --start " + start);
    }
    ReportSpec s =
        ReportSpec.of(reportType, start, end)
            .withScope(
                new EndpointScope(
                    selector("--endpoints-selector", endpointsSelector),
                    namespaces,
                    selector("--namespace-selector", namespaceSelector),
                    serviceAccounts,
                    selector("--service-account-selector", serviceAccountSelector)));
    if (resource != null) {
      try {
        s = s.withResource(ResourceType.parse(resource));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--resource: " + e.getMessage(), e);
      }
    }
    return user == null ? s : s.withUser(user);
  }

  private static CalicoSelector selector(String option, String text) {
    try {
      return CalicoSelector.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  private void write(Report report, ReportFormat reportFormat, PrintWriter err) throws IOException {
    boolean printable = reportFormat == ReportFormat.JSON || reportFormat == ReportFormat.YAML;
    if (out == null && printable) {
      PrintWriter w = spec.commandLine().getOut();
      ReportWriter.print(report, reportFormat, w);
      w.flush();
      return;
    }
    Path dir = out != null ? out : Path.of(ReportWriter.directoryName(report));
    for (Path p : ReportWriter.write(report, reportFormat, dir)) {
      err.println("wrote " + p);
    }
    err.flush();
  }
}
