package io.kubetrail.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyProfile;
import io.kubetrail.report.ChangesReport.Change;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.report.ChangesReport.Write;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import io.kubetrail.report.ComplianceReport.PolicyChange;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML page: self-contained, with the report's figures, charts and tables. */
class ReportHtmlTest {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2026-01-03T12:00:00Z");

  /** Anything a browser would fetch: URLs, scripts, stylesheets, fonts. */
  private static final Pattern EXTERNAL =
      Pattern.compile(
          "https?:|<script|<link|@import|url\\(|<img|<iframe", Pattern.CASE_INSENSITIVE);

  static ChangesReport changes() {
    Write w = new Write(START.plusSeconds(90_000), "update", "", "bob", "id-1");
    return new ChangesReport(
        START,
        END,
        List.of(
            new ObjectChange(
                "pods",
                "shop",
                "web",
                Change.MODIFIED,
                List.of(w),
                "--- a\n+++ b\n@@ -1 +1 @@\n-x: \"1\"\n+x: \"2\"\n"),
            new ObjectChange("configmaps", "shop", "<script>", Change.CREATED, List.of(), "+a\n")),
        new Evidence(
            12, "checkpoint 1.checkpoint at 2026-01-01T00:00:00Z", List.of("events are missing")));
  }

  static ComplianceReport inventory() {
    return new ComplianceReport(
        ReportType.NETWORK_ACCESS,
        START,
        END,
        EndpointScope.everything(),
        List.of(
            new EndpointExposure(
                "shop",
                "web",
                "default",
                false,
                false,
                true,
                true,
                true,
                true,
                List.of(),
                List.of("shop/web")),
            new EndpointExposure(
                "shop",
                "db",
                "default",
                true,
                true,
                false,
                false,
                false,
                false,
                List.of("shop/deny"),
                List.of())),
        List.of(new NamespaceExposure("shop", false, false, true, true, true, true)),
        List.of(),
        AuditSummary.EMPTY,
        List.of(),
        new Evidence(3, "empty cluster", List.of()));
  }

  static ComplianceReport policyAudit() {
    PolicyChange c =
        new PolicyChange(
            START.plusSeconds(60),
            "create",
            "alice",
            "networkpolicies.networking.k8s.io",
            "shop",
            "deny",
            "+kind: NetworkPolicy\n",
            "{}");
    return new ComplianceReport(
        ReportType.POLICY_AUDIT,
        START,
        END,
        EndpointScope.everything(),
        List.of(),
        List.of(),
        List.of(),
        new AuditSummary(1, 1, 0, 0),
        List.of(c),
        new Evidence(1, "empty cluster", List.of()));
  }

  @Test
  void everyReportIsOneSelfContainedPage() {
    AuditPolicyReport audit =
        Reports.auditPolicy(new LoadedPolicy(PolicyProfile.GKE.policy(), "gke", List.of()));
    for (Report r : List.of(changes(), inventory(), policyAudit(), audit)) {
      String html = ReportWriter.html(r);
      assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("<svg");
      assertThat(EXTERNAL.matcher(html).find()).as(r.type().id()).isFalse();
      assertThat(html).contains("<h1>" + r.type().title() + " report</h1>");
    }
  }

  @Test
  void changesPageShowsFiguresChartsDiffsAndEvidence() {
    String html = ReportWriter.html(changes());

    assertThat(html)
        .contains("<div class=\"label\">Objects changed</div><div class=\"figure\">2</div>")
        .contains("<div class=\"label\">Modified</div><div class=\"figure\">1</div>")
        // 2.5 days in bars of 6 hours, empty ones included; the write on the second day
        .contains("<title>01-02 00:00: 1</title>")
        .contains("<title>01-03 06:00: 0</title>")
        .contains("<span class=\"a\">+x: &quot;2&quot;</span>")
        .contains("configmaps/shop/&lt;script&gt;")
        .contains("checkpoint 1.checkpoint at 2026-01-01T00:00:00Z")
        .contains("<li>events are missing</li>");
  }

  @Test
  void headerShowsTheIntervalToTheSecondOrMillisecond() {
    assertThat(ReportWriter.html(policyAudit()))
        .contains("<p class=\"interval\">2026-01-01 00:00:00 UTC  →  2026-01-03 12:00:00 UTC</p>");
    // A period "so far" ends at the clock's instant, nanoseconds and all.
    assertThat(ReportHtml.interval(START, Instant.parse("2026-01-03T12:00:07.123456789Z")))
        .isEqualTo("2026-01-01 00:00:00 UTC  →  2026-01-03 12:00:07.123 UTC");
  }

  @Test
  void endpointPageShowsProtectedAgainstExposed() {
    String html = ReportWriter.html(inventory());

    assertThat(html)
        .contains("<div class=\"label\">Endpoints in scope</div><div class=\"figure\">2</div>")
        .contains("<title>protected: 1</title>")
        .contains("<title>exposed: 1</title>")
        .contains("<title>from internet: 1</title>")
        .contains("<span class=\"flag bad\">exposed</span>");
  }

  @Test
  void policyAuditPageShowsTheCounts() {
    assertThat(ReportWriter.html(policyAudit()))
        .contains("<div class=\"label\">Created</div><div class=\"figure\">1</div>")
        .contains("<span class=\"badge created\">create</span>");
  }
}
