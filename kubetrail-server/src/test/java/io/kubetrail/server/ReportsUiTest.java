package io.kubetrail.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The Reports page's scheduled reports and kept runs, in a real browser. */
@ExtendWith(UiSite.class)
class ReportsUiTest {
  final UiBrowser b = UiSite.browser;

  @Test
  void definitionsAndKeptRunsAreListedAndARunOpensAndDownloads() throws Exception {
    UiSite.asAdmin();
    b.consoleErrors();
    b.get("/ui/reports");
    b.waitFor(By.cssSelector("#definitions tbody tr"));
    assertThat(b.all("#definitions tbody tr"))
        .extracting(r -> r.getAttribute("data-name"))
        .containsExactly("all-access", "own-inventory");
    assertThat(
            b.driver.findElement(By.cssSelector("#definitions tr[data-name=all-access]")).getText())
        .contains("network-access")
        .contains("0,30 * * * *")
        .contains("every pod");
    List<WebElement> runs = b.all("#runs tbody tr");
    assertThat(runs).hasSize(2);
    b.screenshot("reports-page");
    WebElement all = b.driver.findElement(By.cssSelector("#runs tr[data-id^='demo.all-access-']"));
    String id = all.getAttribute("data-id");
    assertThat(all.getText())
        .contains("network-access")
        .contains("00:00:00Z")
        .contains("00:30:00Z");
    all.findElement(By.cssSelector("a.open-run")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("run=" + id));
    b.waitUntil(d -> d.findElement(By.id("report-summary")).getText().contains("endpoints"));
    assertThat(b.driver.findElement(By.cssSelector("#report h2")).getText()).contains(id);
    b.driver.switchTo().frame(b.waitFor(By.id("report-html")));
    b.waitUntil(d -> d.findElement(By.tagName("body")).getText().contains("ndpoint"));
    b.driver.switchTo().defaultContent();
    b.screenshot("reports-kept-run");
    // The kept run's files: CSV as a zip of Calico's files, JSON as kept.
    Path zip = b.download(b.driver.findElement(By.id("download-csv")), id + ".csv.zip");
    try (ZipFile z = new ZipFile(zip.toFile())) {
      assertThat(z.stream().map(e -> e.getName()).toList()).contains("endpoints.csv");
    }
    String json =
        b.fetch(
            b.driver
                .findElement(By.cssSelector("#runs tr[data-id='" + id + "'] a.dl-json"))
                .getAttribute("href"));
    JsonNode kept = Fixture.JSON.readTree(json);
    assertThat(kept.path("reportType").asText()).isEqualTo("network-access");
    assertThat(kept.path("endTime").asText()).isEqualTo("2026-01-01T00:30:00Z");
    assertThat(b.consoleErrors()).as("console errors").isEmpty();
  }

  @Test
  void runNowMakesAScheduledReportOverItsCurrentPeriod() throws Exception {
    UiSite.asAdmin();
    b.get("/ui/reports");
    b.waitFor(By.cssSelector("button.run-definition[data-name=own-inventory]")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("definition=own-inventory"));
    b.waitUntil(d -> d.findElement(By.id("report-summary")).getText().contains("events replayed"));
    assertThat(b.driver.findElement(By.cssSelector("#report h2")).getText())
        .contains("inventory")
        .contains("current period so far");
    String json = b.driver.findElement(By.id("download-json")).getAttribute("href");
    assertThat(json)
        .contains("/api/v1/report-definitions/own-inventory/run")
        .contains("format=json");
    // The downloads and the HTML view are the run shown, over its interval: not runs over a later
    // "now", each a little longer than the one on the page.
    JsonNode shown = Fixture.JSON.readTree(b.fetch(json));
    String end = "end=" + URLEncoder.encode(shown.path("endTime").asText(), UTF_8);
    assertThat(json).contains(end);
    assertThat(b.driver.findElement(By.id("report-html")).getAttribute("src")).contains(end);
    assertOnlyTheViewersEndpoints();
    b.screenshot("reports-run-now");
  }

  @Test
  void aViewerSeesOnlyTheKeptRunsOfItsNamespaces() throws Exception {
    UiSite.asAdmin();
    b.waitFor(By.id("logout")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/login"));
    b.login(UiSite.VIEWER);
    b.get("/ui/reports");
    b.waitFor(By.cssSelector("#runs tbody tr"));
    assertThat(b.all("#runs tbody tr"))
        .extracting(r -> r.getAttribute("data-id"))
        .singleElement()
        .asString()
        .startsWith("demo.own-inventory-");
    assertThat(b.driver.findElement(By.id("runs-hidden")).getText())
        .startsWith("1 kept run not shown");
    b.screenshot("reports-viewer-runs");
    // Run now, the report of every namespace covers the viewer's only.
    b.driver.findElement(By.cssSelector("button.run-definition[data-name=all-access]")).click();
    b.waitUntil(d -> d.findElement(By.id("report-summary")).getText().contains("events replayed"));
    assertOnlyTheViewersEndpoints();
    b.screenshot("reports-viewer");
    b.driver.findElement(By.id("logout")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/login"));
  }

  /** The report shown lists endpoints of the viewer's namespace only. */
  private void assertOnlyTheViewersEndpoints() throws Exception {
    JsonNode r =
        Fixture.JSON.readTree(
            b.fetch(b.driver.findElement(By.id("download-json")).getAttribute("href")));
    for (JsonNode e : r.path("endpoints")) {
      assertThat(e.path("namespace").asText()).isEqualTo(UiSite.viewerNamespace);
    }
  }
}
