package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The Timeline in a real browser: rows, filters, histogram, facets, export, live mode. */
@ExtendWith(UiSite.class)
class TimelineUiTest {
  static final Set<String> CHANGE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  UiBrowser b;

  @BeforeEach
  void login() {
    b = UiSite.asAdmin();
  }

  private List<String> auditIds() {
    List<String> ids = new ArrayList<>();
    for (WebElement r : b.all("#rows tr[data-audit]")) {
      ids.add(r.getAttribute("data-audit"));
    }
    return ids;
  }

  private List<Instant> times() {
    List<Instant> out = new ArrayList<>();
    for (WebElement t : b.all("#rows time")) {
      out.add(Instant.parse(t.getAttribute("datetime")));
    }
    return out;
  }

  @Test
  void timelineShowsChangesNewestFirstUnderDayHeaders() throws Exception {
    b.consoleErrors();
    b.get("/ui/timeline");
    b.timelineLoaded();
    assertThat(b.consoleErrors()).as("console errors").isEmpty();
    b.screenshot("timeline-1366x768");
    List<Instant> times = times();
    assertThat(times).hasSizeGreaterThan(10);
    assertThat(times).isSortedAccordingTo((x, y) -> y.compareTo(x));
    assertThat(b.all("#rows tr.day")).isNotEmpty();
    // Changes only by default: writes that succeeded, no dry runs.
    for (WebElement v : b.all("#rows .verb")) {
      assertThat(v.getText()).isIn(CHANGE_VERBS);
    }
    for (WebElement c : b.all("#rows .code")) {
      assertThat(Integer.parseInt(c.getText()) / 100).isEqualTo(2);
    }
    long total = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    assertThat(total)
        .isEqualTo(UiSite.api("facets?changesOnly=true&field=verb").path("total").asLong());
    b.size(1920, 1080);
    b.get("/ui/timeline");
    b.timelineLoaded();
    b.screenshot("timeline-1920x1080");
  }

  @Test
  void histogramCountsAddUpToTheHeaderWithAtMostAHundredBars() {
    b.get("/ui/timeline");
    b.timelineLoaded();
    WebElement h = b.driver.findElement(By.id("histogram"));
    assertThat(h.getAttribute("data-total"))
        .isEqualTo(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    assertThat(Integer.parseInt(h.getAttribute("data-bars"))).isBetween(1, 101);
    assertThat(b.driver.findElement(By.id("bucket")).getText()).startsWith("per ");
    // Stacked by verb: a legend entry per verb.
    assertThat(b.all("#histogram .u-legend .u-series")).hasSizeGreaterThan(2);
  }

  @Test
  void filteringByNamespaceShowsOnlyThatNamespaceAndPutsItInTheUrl() throws Exception {
    String ns = UiSite.viewerNamespace;
    b.get("/ui/timeline");
    b.timelineLoaded();
    b.driver.findElement(By.id("f-namespace")).sendKeys(ns);
    b.driver.findElement(By.id("apply")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("namespace=" + ns));
    b.timelineLoaded();
    b.waitUntil(
        d ->
            b.all("#rows tr[data-audit]").stream()
                .allMatch(r -> ns.equals(r.getAttribute("data-namespace"))));
    assertThat(b.all("#rows tr[data-audit]")).isNotEmpty();
    b.screenshot("timeline-namespace");
  }

  @Test
  void theUrlIsTheState() throws Exception {
    String url = "/ui/timeline?namespace=" + UiSite.viewerNamespace + "&verb=patch,update";
    b.get(url);
    b.timelineLoaded();
    List<String> first = auditIds();
    assertThat(b.driver.findElement(By.id("f-verb")).getAttribute("value"))
        .isEqualTo("patch,update");
    b.driver.navigate().refresh();
    b.timelineLoaded();
    assertThat(auditIds()).isEqualTo(first);
    // A facet click pushes a new URL; Back restores the view it came from.
    b.driver.findElement(By.cssSelector("#facet-resource .facet-chip")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("resource="));
    b.timelineLoaded();
    b.driver.navigate().back();
    b.waitUntil(d -> !d.getCurrentUrl().contains("resource="));
    b.timelineLoaded();
    b.waitUntil(d -> auditIds().equals(first));
  }

  @Test
  void brushingTheHistogramZoomsAndResetRestores() throws Exception {
    b.get("/ui/timeline");
    b.timelineLoaded();
    long before = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    WebElement over = b.waitFor(By.cssSelector("#histogram .u-over"));
    int w = over.getSize().getWidth();
    new Actions(b.driver)
        .moveToElement(over, -w / 2 + w / 4, 0)
        .clickAndHold()
        .moveByOffset(w / 4, 0)
        .release()
        .perform();
    b.waitUntil(d -> d.getCurrentUrl().contains("since=") && d.getCurrentUrl().contains("until="));
    b.timelineLoaded();
    long zoomed = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    assertThat(zoomed).isLessThan(before);
    Instant since = Instant.parse(b.driver.findElement(By.id("f-since")).getAttribute("value"));
    Instant until = Instant.parse(b.driver.findElement(By.id("f-until")).getAttribute("value"));
    assertThat(times()).allMatch(t -> !t.isBefore(since) && t.isBefore(until));
    b.screenshot("timeline-zoomed");
    b.driver.findElement(By.id("reset")).click();
    b.waitUntil(d -> !d.getCurrentUrl().contains("since="));
    b.timelineLoaded();
    assertThat(Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count")))
        .isEqualTo(before);
  }

  @Test
  void facetChipsCountTheRangeAndClickingOneFilters() {
    b.get("/ui/timeline");
    b.timelineLoaded();
    WebElement chip = b.driver.findElement(By.cssSelector("#facet-verb .facet-chip"));
    String verb = chip.getAttribute("data-value");
    long count = Long.parseLong(chip.findElement(By.className("count")).getText().replace(",", ""));
    chip.click();
    b.waitUntil(d -> d.getCurrentUrl().contains("verb=" + verb));
    b.timelineLoaded();
    b.waitUntil(
        d ->
            d.findElement(By.id("total")).getAttribute("data-count").equals(String.valueOf(count)));
    assertThat(b.all("#rows .verb")).allMatch(v -> v.getText().equals(verb));
    assertThat(
            b.driver
                .findElement(By.cssSelector("#facet-verb .facet-chip.on"))
                .getAttribute("data-value"))
        .isEqualTo(verb);
    // Clicking a cell adds a filter too.
    b.driver.findElement(By.cssSelector("#rows td:nth-child(6) .cell")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("user="));
  }

  @Test
  void activityShowsReadsFailuresAndDryRunsOnlyWhenAskedFor() {
    b.get("/ui/timeline?activity=1");
    b.timelineLoaded();
    long all = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    b.get("/ui/timeline");
    b.timelineLoaded();
    long changes = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    assertThat(all).isGreaterThan(changes);
    b.get("/ui/timeline?activity=1&hideFailed=1&hideDryRun=1");
    b.timelineLoaded();
    assertThat(b.all("#rows .code")).allMatch(c -> c.getText().startsWith("2"));
    assertThat(b.all("#rows .chip.dry")).isEmpty();
  }

  @Test
  void exportHoldsExactlyTheFilteredRows() throws Exception {
    b.get("/ui/timeline?namespace=" + UiSite.viewerNamespace + "&verb=delete");
    b.timelineLoaded();
    long total = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    String json = b.fetch(b.driver.findElement(By.id("export-json")).getAttribute("href"));
    List<String> lines = json.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize((int) total);
    for (String l : lines) {
      JsonNode e = Fixture.JSON.readTree(l);
      assertThat(e.path("verb").asText()).isEqualTo("delete");
      assertThat(e.path("objectRef").path("namespace").asText()).isEqualTo(UiSite.viewerNamespace);
    }
    String yaml = b.fetch(b.driver.findElement(By.id("export-yaml")).getAttribute("href"));
    assertThat(yaml.lines().filter(l -> l.startsWith("kind: Event")).count()).isEqualTo(total);
    String csv = b.fetch(b.driver.findElement(By.id("export-csv")).getAttribute("href"));
    List<String> rows = csv.lines().toList();
    assertThat(rows).hasSize((int) total + 1);
    assertThat(rows.get(0)).startsWith("time,cluster,auditID,");
    for (int i = 1; i < rows.size(); i++) {
      String[] cells = rows.get(i).split(",", -1);
      assertThat(cells[2])
          .isEqualTo(Fixture.JSON.readTree(lines.get(i - 1)).path("auditID").asText());
      assertThat(cells[5]).isEqualTo("delete");
      assertThat(cells[9]).isEqualTo(UiSite.viewerNamespace);
    }
  }

  @Test
  void eventDetailShowsTheRawEventAndLinksAroundIt() throws Exception {
    b.get("/ui/timeline");
    b.timelineLoaded();
    b.driver.findElement(By.cssSelector("#rows a.when")).click();
    b.waitFor(By.cssSelector("#detail table.kv"));
    assertThat(b.driver.getCurrentUrl()).contains("event=");
    b.driver.findElement(By.id("view-json")).click();
    b.waitUntil(
        d -> d.findElement(By.cssSelector("#detail pre.raw")).getText().contains("\"auditID\""));
    b.driver.findElement(By.id("view-yaml")).click();
    b.waitUntil(
        d -> d.findElement(By.cssSelector("#detail pre.raw")).getText().contains("auditID: "));
    b.screenshot("timeline-event-detail");
    String permalink = b.driver.findElement(By.id("permalink")).getAttribute("href");
    b.get(permalink.substring(permalink.indexOf("/ui/")));
    b.waitFor(By.cssSelector("#detail pre.raw"));
    assertThat(b.driver.findElement(By.id("around")).getAttribute("href"))
        .contains("since=")
        .contains("until=");
  }

  @Test
  void timesAreUtcWithIsoDatetimeAndATimezoneSwitch() {
    b.get("/ui/timeline");
    b.timelineLoaded();
    WebElement t = b.driver.findElement(By.cssSelector("#rows time"));
    assertThat(t.getAttribute("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(t.getAttribute("title")).startsWith(t.getAttribute("datetime"));
    assertThat(t.getText()).endsWith("Z");
    new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("tz")))
        .selectByValue("local");
    b.waitUntil(d -> d.getCurrentUrl().contains("tz=local"));
    b.timelineLoaded();
    assertThat(b.driver.findElement(By.cssSelector("#rows time")).getText()).doesNotEndWith("Z");
  }

  @Test
  void liveModePrependsNewRowsWhileACollectorWrites() throws Exception {
    b.get("/ui/timeline?live=1&every=1");
    b.timelineLoaded();
    String newest = auditIds().get(0);
    long before = Long.parseLong(b.driver.findElement(By.id("total")).getAttribute("data-count"));
    b.driver.findElement(By.cssSelector("#rows a.when")).click();
    b.waitFor(By.cssSelector("#detail table.kv"));
    UiSite.collectMore(40);
    b.waitUntil(d -> !b.all("#rows tr.fresh").isEmpty());
    assertThat(auditIds().get(0)).isNotEqualTo(newest);
    assertThat(auditIds()).contains(newest);
    b.waitUntil(
        d -> Long.parseLong(d.findElement(By.id("total")).getAttribute("data-count")) > before);
    // The selection is kept.
    assertThat(b.all("#detail table.kv")).isNotEmpty();
    b.screenshot("timeline-live");
    // Live mode needs an open range.
    b.get("/ui/timeline?live=1&until=2026-01-01T00:10:00Z");
    b.timelineLoaded();
    assertThat(b.driver.findElement(By.id("live")).isEnabled()).isFalse();
  }
}
