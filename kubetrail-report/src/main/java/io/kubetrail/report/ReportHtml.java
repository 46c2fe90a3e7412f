package io.kubetrail.report;

import static io.kubetrail.report.Html.escape;

import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.history.netpol.ServiceExposure;
import io.kubetrail.report.AuditPolicyReport.CisCheck;
import io.kubetrail.report.AuditPolicyReport.CoverageRow;
import io.kubetrail.report.ChangesReport.Change;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.report.ChangesReport.Write;
import io.kubetrail.report.ComplianceReport.PolicyChange;
import io.kubetrail.report.SvgCharts.Datum;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A report as one self-contained HTML page: figures, inline SVG charts and tables, styled by an
 * inline stylesheet that also lays the page out for print. Nothing is loaded from elsewhere.
 */
final class ReportHtml {
  static final String GREEN = "#15803d";
  static final String RED = "#b91c1c";
  static final String AMBER = "#b45309";
  static final String BLUE = "#1d4ed8";
  static final String GREY = "#6b7280";

  /** Above this many diffs, they start closed: a page to scroll, not to print whole. */
  static final int OPEN_DIFFS = 200;

  /** The interval in the page's header, for a reader (see {@link #interval(Instant, Instant)}). */
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final StringBuilder sb = new StringBuilder(64 * 1024);
  private boolean openDiffs = true;

  private ReportHtml() {}

  static String render(Report report) {
    ReportHtml page = new ReportHtml();
    page.open(report);
    if (report instanceof ComplianceReport r) {
      if (r.type() == ReportType.POLICY_AUDIT) {
        page.policyAudit(r);
      } else {
        page.endpoints(r);
      }
    } else if (report instanceof ChangesReport r) {
      page.changes(r);
    } else if (report instanceof AuditPolicyReport r) {
      page.auditPolicy(r);
    }
    page.evidence(report.evidence());
    page.sb
        .append("<footer>kubetrail ")
        .append(escape(report.type().id()))
        .append(" report</footer>");
    page.sb.append("</main></body></html>\n");
    return page.sb.toString();
  }

  private void open(Report report) {
    String title = report.type().title() + " report";
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    sb.append("<title>").append(escape(title)).append("</title><style>").append(css());
    sb.append("</style></head><body><main><header><div class=\"brand\">kubetrail</div>");
    sb.append("<h1>").append(escape(title)).append("</h1>");
    interval(report)
        .ifPresent(i -> sb.append("<p class=\"interval\">").append(escape(i)).append("</p>"));
    sb.append("</header>");
  }

  private static Optional<String> interval(Report report) {
    if (report instanceof ComplianceReport r) {
      return Optional.of(interval(r.start(), r.end()));
    }
    if (report instanceof ChangesReport r) {
      return Optional.of(interval(r.start(), r.end()));
    }
    if (report instanceof AuditPolicyReport r) {
      return Optional.of("policy " + r.policy());
    }
    return Optional.empty();
  }

  /**
   * An interval for a reader: to the second, or to the millisecond where it has one. An interval
   * ending "now" carries the clock's nanoseconds, which the JSON keeps and no reader needs.
   */
  static String interval(Instant start, Instant end) {
    return headerTime(start) + "  →  " + headerTime(end);
  }

  private static String headerTime(Instant t) {
    Instant millis = t.truncatedTo(ChronoUnit.MILLIS);
    return (millis.getNano() == 0 ? SECONDS : MILLIS).format(millis) + " UTC";
  }

  // ---- endpoint reports ----

  private void endpoints(ComplianceReport r) {
    List<EndpointExposure> e = r.endpoints();
    long in = e.stream().filter(EndpointExposure::ingressProtected).count();
    long out = e.stream().filter(EndpointExposure::egressProtected).count();
    cards();
    card("Endpoints in scope", e.size(), "");
    card("Ingress protected", in, e.size() + " in scope");
    card("Egress protected", out, e.size() + " in scope");
    card("Namespaces", r.namespaces().size(), "");
    card("Services", r.services().size(), "");
    if (r.type() == ReportType.NETWORK_ACCESS) {
      card(
          "Reachable from the internet",
          e.stream().filter(EndpointExposure::ingressFromInternet).count(),
          "ingress, at some time");
    }
    sb.append("</section><section class=\"charts\">");
    figure(
        "Ingress",
        SvgCharts.donut(
            "Ingress",
            List.of(new Datum("protected", in, GREEN), new Datum("exposed", e.size() - in, RED))));
    figure(
        "Egress",
        SvgCharts.donut(
            "Egress",
            List.of(
                new Datum("protected", out, GREEN), new Datum("exposed", e.size() - out, RED))));
    if (r.type() == ReportType.NETWORK_ACCESS) {
      figure(
          "Exposure",
          SvgCharts.bars(
              "Exposure",
              List.of(
                  new Datum("from internet", count(e, EndpointExposure::ingressFromInternet), RED),
                  new Datum("to internet", count(e, EndpointExposure::egressToInternet), AMBER),
                  new Datum(
                      "from other ns", count(e, EndpointExposure::ingressFromOtherNamespace), RED),
                  new Datum(
                      "to other ns", count(e, EndpointExposure::egressToOtherNamespace), AMBER))));
    }
    sb.append("</section>");
    boolean access = r.type() == ReportType.NETWORK_ACCESS;
    section("Endpoints");
    List<String> head =
        new ArrayList<>(List.of("Endpoint", "Service account", "Ingress", "Egress"));
    if (access) {
      head.addAll(List.of("From internet", "To internet", "From other ns", "To other ns"));
    }
    head.addAll(List.of("Applied policies", "Services"));
    tableHead(head);
    for (EndpointExposure x : e) {
      sb.append("<tr><td class=\"mono\">").append(escape(x.endpoint())).append("</td><td>");
      sb.append(escape(x.serviceAccount())).append("</td>");
      flag(x.ingressProtected(), "protected", "exposed");
      flag(x.egressProtected(), "protected", "exposed");
      if (access) {
        flag(!x.ingressFromInternet(), "no", "yes");
        flag(!x.egressToInternet(), "no", "yes");
        flag(!x.ingressFromOtherNamespace(), "no", "yes");
        flag(!x.egressToOtherNamespace(), "no", "yes");
      }
      cell(String.join(", ", x.appliedPolicies()));
      cell(String.join(", ", x.services()));
      sb.append("</tr>");
    }
    tableEnd();
    section("Namespaces");
    tableHead(List.of("Namespace", "Ingress", "Egress", "From internet", "From other ns"));
    for (NamespaceExposure n : r.namespaces()) {
      sb.append("<tr><td class=\"mono\">").append(escape(n.namespace())).append("</td>");
      flag(n.ingressProtected(), "protected", "exposed");
      flag(n.egressProtected(), "protected", "exposed");
      flag(!n.ingressFromInternet(), "no", "yes");
      flag(!n.ingressFromOtherNamespace(), "no", "yes");
      sb.append("</tr>");
    }
    tableEnd();
    section("Services");
    tableHead(List.of("Service", "Ingress", "From internet", "From other ns"));
    for (ServiceExposure s : r.services()) {
      sb.append("<tr><td class=\"mono\">").append(escape(s.service())).append("</td>");
      flag(s.ingressProtected(), "protected", "exposed");
      flag(!s.ingressFromInternet(), "no", "yes");
      flag(!s.ingressFromOtherNamespace(), "no", "yes");
      sb.append("</tr>");
    }
    tableEnd();
  }

  private static long count(
      List<EndpointExposure> e, java.util.function.Predicate<EndpointExposure> p) {
    return e.stream().filter(p).count();
  }

  // ---- policy audit ----

  private void policyAudit(ComplianceReport r) {
    ComplianceReport.AuditSummary s = r.auditSummary();
    cards();
    card("Policy changes", s.numTotal(), "");
    card("Created", s.numCreate(), "");
    card("Modified", s.numModify(), "");
    card("Deleted", s.numDelete(), "");
    sb.append("</section><section class=\"charts\">");
    List<Instant> times = r.auditEvents().stream().map(PolicyChange::time).toList();
    figure(
        "Policy changes over time",
        SvgCharts.bars("policy changes over time", overTime(r.start(), r.end(), times)));
    figure(
        "By kind",
        SvgCharts.donut(
            "By kind",
            List.of(
                new Datum("created", s.numCreate(), GREEN),
                new Datum("modified", s.numModify(), BLUE),
                new Datum("deleted", s.numDelete(), RED))));
    sb.append("</section>");
    section("Changes");
    tableHead(List.of("Time", "User", "Verb", "Policy"));
    openDiffs = r.auditEvents().size() <= OPEN_DIFFS;
    for (PolicyChange c : r.auditEvents()) {
      sb.append("<tr><td class=\"mono\">").append(escape(c.time().toString())).append("</td>");
      cell(c.user());
      sb.append("<td><span class=\"badge ").append(verbClass(c.verb())).append("\">");
      sb.append(escape(c.verb())).append("</span></td>");
      cell(c.resource() + " " + c.namespace() + "/" + c.name());
      sb.append("</tr>");
      diffRow(c.diff(), 4);
    }
    tableEnd();
  }

  private static String verbClass(String verb) {
    return switch (verb) {
      case "create" -> "created";
      case "delete", "deletecollection" -> "deleted";
      default -> "modified";
    };
  }

  // ---- changes ----

  private void changes(ChangesReport r) {
    Map<Change, Long> byKind = new EnumMap<>(Change.class);
    for (Change c : Change.values()) {
      byKind.put(c, 0L);
    }
    List<Instant> times = new ArrayList<>();
    Map<String, Long> byUser = new TreeMap<>();
    for (ObjectChange c : r.objects()) {
      byKind.merge(c.change(), 1L, Long::sum);
      for (Write w : c.writes()) {
        times.add(w.time());
        byUser.merge(w.user().isEmpty() ? "(unknown)" : w.user(), 1L, Long::sum);
      }
    }
    cards();
    card("Objects changed", r.objects().size(), "");
    card("Created", byKind.get(Change.CREATED), "");
    card("Modified", byKind.get(Change.MODIFIED), "");
    card("Deleted", byKind.get(Change.DELETED), "");
    card("Transient", byKind.get(Change.TRANSIENT), "created and deleted within");
    card("Writes", times.size(), byUser.size() + " users");
    sb.append("</section><section class=\"charts\">");
    figure(
        "Writes over time",
        SvgCharts.bars("writes over time", overTime(r.start(), r.end(), times)));
    figure(
        "Objects by change",
        SvgCharts.donut(
            "Objects by change",
            List.of(
                new Datum("created", byKind.get(Change.CREATED), GREEN),
                new Datum("modified", byKind.get(Change.MODIFIED), BLUE),
                new Datum("deleted", byKind.get(Change.DELETED), RED),
                new Datum("transient", byKind.get(Change.TRANSIENT), GREY))));
    sb.append("</section>");
    section("Writes by user");
    tableHead(List.of("User", "Writes"));
    byUser.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e -> {
              sb.append("<tr>");
              cell(e.getKey());
              sb.append("<td class=\"num\">").append(e.getValue()).append("</td></tr>");
            });
    tableEnd();
    section("Objects");
    tableHead(List.of("Change", "Object", "Writes", "Users"));
    openDiffs = r.objects().size() <= OPEN_DIFFS;
    for (ObjectChange c : r.objects()) {
      sb.append("<tr><td><span class=\"badge ").append(c.change().id()).append("\">");
      sb.append(c.change().id()).append("</span></td>");
      sb.append("<td class=\"mono\">").append(escape(c.id())).append("</td>");
      sb.append("<td class=\"num\">").append(c.writes().size()).append("</td>");
      TreeSet<String> users = new TreeSet<>();
      c.writes().forEach(w -> users.add(w.user()));
      cell(String.join(", ", users));
      sb.append("</tr>");
      diffRow(c.diff(), 4);
    }
    tableEnd();
  }

  // ---- audit policy ----

  private void auditPolicy(AuditPolicyReport r) {
    long sufficient = r.coverage().stream().filter(CoverageRow::sufficient).count();
    cards();
    for (CisCheck c : r.checks()) {
      sb.append("<div class=\"card ").append(c.passed() ? "pass" : "fail").append("\">");
      sb.append("<div class=\"label\">CIS ").append(escape(c.id())).append("</div>");
      sb.append("<div class=\"figure\">").append(c.passed() ? "pass" : "fail").append("</div>");
      sb.append("<div class=\"sub\">").append(escape(c.title())).append("</div></div>");
    }
    card("Changes logged for replay", sufficient, r.coverage().size() + " needed");
    sb.append("</section><section class=\"charts\">");
    figure(
        "Changes replay needs",
        SvgCharts.donut(
            "Changes replay needs",
            List.of(
                new Datum("logged with bodies", sufficient, GREEN),
                new Datum("bodies lost", r.coverage().size() - sufficient, RED))));
    sb.append("</section>");
    for (CisCheck c : r.checks()) {
      section("CIS " + c.id() + ": " + c.title());
      if (c.findings().isEmpty()) {
        sb.append("<p class=\"ok\">The policy meets this recommendation.</p>");
      } else {
        sb.append("<ul class=\"findings\">");
        c.findings().forEach(f -> sb.append("<li>").append(escape(f)).append("</li>"));
        sb.append("</ul>");
      }
      sb.append("</section>");
    }
    section("What the policy logs of the changes replay needs");
    tableHead(List.of("Resource", "Verb", "Level", "Rule", "Replay"));
    for (CoverageRow c : r.coverage()) {
      sb.append("<tr>");
      cell(c.resource());
      cell(c.verb());
      cell(c.level());
      cell(c.rule());
      flag(c.sufficient(), "complete", "loses bodies");
      sb.append("</tr>");
    }
    tableEnd();
  }

  // ---- shared pieces ----

  private void evidence(Evidence e) {
    sb.append("<section class=\"evidence\"><h2>Evidence</h2><dl>");
    if (!e.startedFrom().isEmpty()) {
      sb.append("<dt>Replay started from</dt><dd>").append(escape(e.startedFrom())).append("</dd>");
      sb.append("<dt>Changes read</dt><dd>").append(e.eventsReplayed()).append("</dd>");
    }
    sb.append("</dl>");
    if (e.warnings().isEmpty()) {
      sb.append("<p class=\"ok\">Nothing is known to be missing.</p>");
    } else {
      sb.append("<ul class=\"findings\">");
      e.warnings().forEach(w -> sb.append("<li>").append(escape(w)).append("</li>"));
      sb.append("</ul>");
    }
    sb.append("</section>");
  }

  /** Bucket widths for charts over time, smallest first. */
  private static final List<Duration> BUCKETS =
      List.of(
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofHours(1),
          Duration.ofHours(6),
          Duration.ofDays(1),
          Duration.ofDays(7));

  private static final int MAX_BARS = 48;

  /**
   * Counts per bucket from the start to the end, empty buckets included: the smallest bucket (1
   * minute to 7 days, aligned to UTC) that needs at most {@value #MAX_BARS} bars.
   */
  static List<Datum> overTime(Instant start, Instant end, List<Instant> times) {
    Duration width = BUCKETS.get(BUCKETS.size() - 1);
    for (Duration b : BUCKETS) {
      if (Duration.between(start, end).dividedBy(b) < MAX_BARS) {
        width = b;
        break;
      }
    }
    long w = width.getSeconds();
    long first = Math.floorDiv(start.getEpochSecond(), w);
    long last = Math.floorDiv(end.getEpochSecond(), w);
    long[] counts = new long[(int) Math.min(last - first + 1, 10_000)];
    for (Instant t : times) {
      long i = Math.floorDiv(t.getEpochSecond(), w) - first;
      if (i >= 0 && i < counts.length) {
        counts[(int) i]++;
      }
    }
    boolean days = w >= 86_400;
    boolean oneDay =
        LocalDate.ofInstant(start, ZoneOffset.UTC).equals(LocalDate.ofInstant(end, ZoneOffset.UTC));
    DateTimeFormatter label =
        DateTimeFormatter.ofPattern(days ? "MM-dd" : oneDay ? "HH:mm" : "MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);
    List<Datum> data = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      data.add(new Datum(label.format(Instant.ofEpochSecond((first + i) * w)), counts[i], BLUE));
    }
    return data;
  }

  private void cards() {
    sb.append("<section class=\"cards\">");
  }

  private void card(String label, long value, String sub) {
    sb.append("<div class=\"card\"><div class=\"label\">").append(escape(label)).append("</div>");
    sb.append("<div class=\"figure\">").append(value).append("</div>");
    sb.append("<div class=\"sub\">").append(escape(sub)).append("</div></div>");
  }

  private void figure(String caption, String svg) {
    sb.append("<figure>").append(svg).append("<figcaption>").append(escape(caption));
    sb.append("</figcaption></figure>");
  }

  private void section(String title) {
    sb.append("<section><h2>").append(escape(title)).append("</h2>");
  }

  private void tableHead(List<String> columns) {
    sb.append("<table><thead><tr>");
    columns.forEach(c -> sb.append("<th>").append(escape(c)).append("</th>"));
    sb.append("</tr></thead><tbody>");
  }

  private void tableEnd() {
    sb.append("</tbody></table></section>");
  }

  private void cell(String text) {
    sb.append("<td>").append(escape(text)).append("</td>");
  }

  private void flag(boolean good, String yes, String no) {
    sb.append("<td><span class=\"flag ").append(good ? "good" : "bad").append("\">");
    sb.append(escape(good ? yes : no)).append("</span></td>");
  }

  /** The diff under its row, across the table; open (and so printed) unless there are many. */
  private void diffRow(String diff, int columns) {
    if (diff.isEmpty()) {
      return;
    }
    sb.append("<tr class=\"diffrow\"><td colspan=\"").append(columns).append("\">");
    sb.append(openDiffs ? "<details open>" : "<details>");
    sb.append("<summary>diff</summary><pre class=\"diff\">");
    for (String line : diff.split("\n", -1)) {
      String cls =
          line.startsWith("+++") || line.startsWith("---")
              ? "h"
              : line.startsWith("+")
                  ? "a"
                  : line.startsWith("-") ? "d" : line.startsWith("@@") ? "h" : "";
      sb.append("<span class=\"").append(cls).append("\">").append(escape(line));
      sb.append("</span>\n");
    }
    sb.append("</pre></details></td></tr>");
  }

  private static String css() {
    try (InputStream in = ReportHtml.class.getResourceAsStream("report.css")) {
      if (in == null) {
        throw new IllegalStateException("report.css is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
