package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Reports, the policy check, and logging in as a namespace viewer, in a real browser. */
@ExtendWith(UiSite.class)
class AccessUiTest {
  final UiBrowser b = UiSite.browser;

  @Test
  void aNetworkAccessReportRunsAndItsCsvDownloads() throws Exception {
    UiSite.asAdmin();
    b.get("/ui/reports");
    new org.openqa.selenium.support.ui.Select(b.waitFor(By.id("r-type")))
        .selectByValue("network-access");
    b.driver.findElement(By.id("r-start")).sendKeys("2026-01-01T00:00:00Z");
    b.driver.findElement(By.id("r-end")).sendKeys("2026-01-01T00:03:00Z");
    b.driver.findElement(By.id("run")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("type=network-access"));
    b.waitFor(By.id("report-summary"));
    assertThat(b.driver.findElement(By.id("report-summary")).getText()).contains("endpoints");
    b.driver.switchTo().frame(b.waitFor(By.id("report-html")));
    b.waitUntil(d -> d.findElement(By.tagName("body")).getText().contains("ndpoint"));
    b.driver.switchTo().defaultContent();
    b.screenshot("report-network-access");
    Path zip = b.download(b.driver.findElement(By.id("download-csv")), ".zip");
    try (ZipFile z = new ZipFile(zip.toFile())) {
      List<String> names = z.stream().map(e -> e.getName()).toList();
      assertThat(names).anyMatch(n -> n.endsWith(".csv"));
    }
    String json = b.fetch(b.driver.findElement(By.id("download-json")).getAttribute("href"));
    assertThat(json).contains("\"reportType\"");
  }

  @Test
  void thePolicyPageShowsErrorsAndCoverage() throws Exception {
    UiSite.asAdmin();
    b.get("/ui/policy");
    WebElement text = b.waitFor(By.id("policy-text"));
    text.sendKeys("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n");
    b.driver.findElement(By.id("policy-check")).click();
    b.waitUntil(d -> d.findElement(By.id("policy-verdict")).getText().startsWith("Not valid"));
    assertThat(b.all("#policy-result .errors li")).isNotEmpty();
    text.clear();
    text.sendKeys(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n"
            + "  - group: \"\"\n    resources: [secrets]\n- level: RequestResponse\n");
    b.driver.findElement(By.id("policy-check")).click();
    b.waitUntil(d -> d.findElement(By.id("policy-verdict")).getText().startsWith("Valid"));
    assertThat(b.all("#coverage tbody tr")).isNotEmpty();
    b.screenshot("policy");
  }

  @Test
  void aNamespaceViewerSeesOnlyItsNamespaceAndIsToldSo() throws Exception {
    String ns = UiSite.viewerNamespace;
    UiSite.asAdmin();
    b.waitFor(By.id("logout")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/login"));
    // Logged out, the UI sends one to the login page.
    b.get("/ui/timeline");
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/login?next="));
    b.waitFor(By.id("token")).sendKeys("not-a-token");
    b.driver.findElement(By.id("login")).click();
    b.waitUntil(d -> !d.findElement(By.id("login-error")).getText().isEmpty());
    b.login(UiSite.VIEWER);
    b.timelineLoaded();
    assertThat(b.waitFor(By.id("scope")).getText()).contains("You see only namespace").contains(ns);
    assertThat(b.all("#rows tr[data-audit]"))
        .allMatch(r -> ns.equals(r.getAttribute("data-namespace")));
    assertThat(b.all("#facet-namespace .facet-chip"))
        .allMatch(c -> ns.equals(c.getAttribute("data-value")));
    long total = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    long inNamespace =
        UiSite.api("facets?changesOnly=true&field=verb&namespace=" + ns).path("total").asLong();
    assertThat(total).isEqualTo(inNamespace);
    assertThat(b.driver.findElement(By.id("histogram")).getAttribute("data-total"))
        .isEqualTo(String.valueOf(total));
    String export = b.fetch(b.driver.findElement(By.id("export-json")).getAttribute("href"));
    assertThat(export.lines().filter(l -> !l.isBlank()).count()).isEqualTo(total);
    assertThat(export.lines().filter(l -> !l.isBlank()))
        .allMatch(l -> l.contains("\"namespace\":\"" + ns + "\""));
    b.screenshot("viewer-timeline");
    // Another namespace: refused, and said so.
    b.get("/ui/timeline?namespace=kube-system");
    b.waitUntil(d -> d.findElement(By.id("error")).isDisplayed());
    assertThat(b.driver.findElement(By.id("error")).getText())
        .contains("may not read namespace kube-system");
    b.get("/ui/state?at=2026-01-01T00:02:00Z");
    b.waitFor(By.cssSelector("#kinds li"));
    for (WebElement a : b.all("#names a[data-object]")) {
      assertThat(a.getAttribute("data-object")).contains("/" + ns + "/");
    }
    b.screenshot("viewer-state");
    b.driver.findElement(By.id("logout")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/login"));
  }
}
