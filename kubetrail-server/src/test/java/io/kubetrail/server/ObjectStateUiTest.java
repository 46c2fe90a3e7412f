package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The object page (revisions and diffs) and the state at a time, in a real browser. */
@ExtendWith(UiSite.class)
class ObjectStateUiTest {
  UiBrowser b;

  @BeforeEach
  void login() {
    b = UiSite.asAdmin();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** An object with updates whose history has a revision of each kind wanted. */
  private static Optional<String> objectWith(boolean noOp) throws Exception {
    Set<String> keys = new LinkedHashSet<>();
    for (JsonNode e :
        UiSite.api("events?changesOnly=true&verb=update,patch&limit=500").path("events")) {
      if (!e.path("objectKey").asText().isEmpty()
          && !e.path("resource").asText().equals("events")) {
        keys.add(e.path("objectKey").asText());
      }
    }
    for (String k : keys) {
      JsonNode revs = UiSite.api("history?object=" + enc(k)).path("revisions");
      boolean hasNoOp = false;
      for (JsonNode r : revs) {
        hasNoOp |= r.path("outcome").asText().equals("change") && !r.path("changed").asBoolean();
      }
      if (revs.size() >= 3 && hasNoOp == noOp) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Test
  void openingAnObjectFromTheTimelineShowsItsRevisionsAndDiff() throws Exception {
    b.consoleErrors();
    b.get("/ui/timeline?resource=deployments&verb=update,patch");
    b.timelineLoaded();
    b.driver.findElement(By.cssSelector("#rows a.obj")).click();
    b.waitFor(By.cssSelector("#revisions li.rev"));
    assertThat(b.driver.getCurrentUrl()).contains("/ui/object?").contains("object=");
    WebElement selected = b.driver.findElement(By.cssSelector("#revisions li.selected"));
    assertThat(selected.getAttribute("data-index"))
        .isEqualTo(String.valueOf(b.all("#revisions li.rev").size()));
    assertThat(selected.findElements(By.tagName("time"))).hasSize(1);
    assertThat(selected.findElements(By.cssSelector(".principal"))).hasSize(1);
    // The newest revision of an updated deployment changed something: lines removed and added.
    b.waitFor(By.cssSelector("#diff .dl.add"));
    assertThat(b.all("#diff .dl.del")).isNotEmpty();
    assertThat(b.driver.findElement(By.cssSelector(".hunk-pos")).getText()).matches("1 / \\d+");
    b.screenshot("object-unified");
    assertThat(b.consoleErrors()).as("console errors").isEmpty();
  }

  @Test
  void diffsAreQuietByDefaultSideBySideOnRequestAndKeysMoveBetweenRevisions() throws Exception {
    String object = objectWith(false).orElseThrow();
    b.get("/ui/object?object=" + enc(object));
    b.waitFor(By.cssSelector("#revisions li.rev"));
    String quiet = b.driver.findElement(By.cssSelector("#diff .diff")).getText();
    assertThat(quiet).doesNotContain("resourceVersion").doesNotContain("managedFields");
    b.driver.findElement(By.id("bookkeeping")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("diff=full"));
    b.waitUntil(
        d -> d.findElement(By.cssSelector("#diff .diff")).getText().contains("resourceVersion"));
    b.driver.findElement(By.id("split")).click();
    b.waitFor(By.cssSelector("#diff .diff.side-by-side .sl code.add"));
    assertThat(b.all("#diff .sl code.del")).isNotEmpty();
    assertThat(b.all("#diff mark")).as("intra-line highlights").isNotEmpty();
    assertThat(b.all("#diff .gap")).as("separators naming hidden lines").isNotEmpty();
    assertThat(b.driver.findElement(By.cssSelector("#diff .gap")).getText())
        .matches("⋯ \\d+ unchanged lines? hidden");
    // Separators and changes run top to bottom, across the whole diff.
    int width = b.driver.findElement(By.cssSelector("#diff .diff")).getSize().getWidth();
    assertThat(b.driver.findElement(By.cssSelector("#diff .gap")).getSize().getWidth())
        .isGreaterThan(width * 9 / 10);
    b.screenshot("object-split-full");
    int n = b.all("#revisions li.rev").size();
    b.driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_UP);
    b.waitUntil(d -> d.getCurrentUrl().contains("rev=" + (n - 1)));
    b.waitUntil(
        d ->
            d.findElement(By.cssSelector("#revisions li.selected"))
                .getAttribute("data-index")
                .equals(String.valueOf(n - 1)));
    assertThat(b.all("#lifecycle .seg")).hasSizeGreaterThanOrEqualTo(n);
    // The URL holds the revision, the view and the switches.
    b.driver.navigate().refresh();
    b.waitFor(By.cssSelector("#diff .diff.side-by-side"));
    assertThat(
            b.driver
                .findElement(By.cssSelector("#revisions li.selected"))
                .getAttribute("data-index"))
        .isEqualTo(String.valueOf(n - 1));
  }

  @Test
  void noOpRevisionsAreMarked() throws Exception {
    String object =
        objectWith(true)
            .orElseThrow(
                () -> new AssertionError("the simulation has no object with a no-op write"));
    b.get("/ui/object?object=" + enc(object));
    b.waitFor(By.cssSelector("#revisions li.rev"));
    assertThat(b.all("#revisions .mark.m-no-op")).isNotEmpty();
    b.screenshot("object-no-op");
  }

  @Test
  void clusterAsOfHereShowsTheStateAtThatRevisionAndItsBodies() throws Exception {
    String object = objectWith(false).orElseThrow();
    b.get("/ui/object?object=" + enc(object));
    b.waitFor(By.id("asof")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("/ui/state?"));
    b.waitFor(By.cssSelector("#kinds li"));
    assertThat(b.driver.getCurrentUrl()).contains("at=");
    b.waitFor(By.cssSelector("#body pre.raw"));
    assertThat(b.driver.findElement(By.cssSelector("#body pre.raw")).getText())
        .contains("\"metadata\"");
    b.screenshot("state-object");
    // Another kind, another object of it.
    b.driver
        .findElement(By.xpath("//ul[@id='kinds']//a[starts-with(normalize-space(.), 'pods')]"))
        .click();
    b.waitUntil(d -> d.getCurrentUrl().contains("resource=pods"));
    b.ready();
    WebElement pod = b.waitFor(By.cssSelector("#names a[data-object]"));
    String key = pod.getAttribute("data-object");
    pod.click();
    b.ready();
    b.waitUntil(
        d ->
            d.findElement(By.cssSelector("#body b"))
                .getText()
                .contains(key.substring(key.lastIndexOf('/') + 1)));
    assertThat(b.driver.findElement(By.cssSelector("#body pre.raw")).getText())
        .contains("\"kind\": \"Pod\"");
  }

  @Test
  void stateAtATimeComparesWithAnotherTime() throws Exception {
    b.get("/ui/state");
    b.waitFor(By.id("s-at")).sendKeys("2026-01-01T00:02:00Z");
    b.driver.findElement(By.id("s-compare")).sendKeys("2026-01-01T00:01:00Z");
    b.driver.findElement(By.id("s-apply")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("compare="));
    b.waitFor(By.cssSelector("#changes tbody tr"));
    assertThat(b.driver.findElement(By.cssSelector("#changes h2")).getText())
        .containsAnyOf("created", "modified", "deleted");
    assertThat(b.all("#kinds li")).isNotEmpty();
    assertThat(b.driver.findElement(By.cssSelector("h1 time")).getAttribute("datetime"))
        .isEqualTo("2026-01-01T00:02:00Z");
    b.screenshot("state-compare");
  }

  @Test
  void anyTwoRevisionsAreCompared() throws Exception {
    b.consoleErrors();
    String object = objectWith(false).orElseThrow();
    JsonNode revs = UiSite.api("history?object=" + enc(object)).path("revisions");
    int n = revs.size();
    b.get("/ui/object?object=" + enc(object));
    b.waitFor(By.cssSelector("#revisions li.rev"));
    new Select(b.waitFor(By.id("cmp-a"))).selectByValue("1");
    new Select(b.driver.findElement(By.id("cmp-b"))).selectByValue(String.valueOf(n));
    b.driver.findElement(By.id("cmp-go")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("a=1") && d.getCurrentUrl().contains("b=" + n));
    WebElement pane = b.waitFor(By.cssSelector("#diff[data-compare='1-" + n + "']"));
    assertThat(b.driver.findElement(By.id("cmp-title")).getText()).isEqualTo("#1 → #" + n);
    assertThat(pane.getText()).contains(revs.get(n - 1).path("verb").asText());
    // From the first revision to the last, the object changed: lines removed and added.
    assertThat(b.all("#diff .dl.add")).isNotEmpty();
    assertThat(b.all("#revisions li.cmp-a")).hasSize(1);
    assertThat(b.all("#revisions li.cmp-b")).hasSize(1);
    b.screenshot("object-compare");
    // The URL holds the pair; back to each revision with the one before.
    b.driver.navigate().refresh();
    b.waitFor(By.cssSelector("#diff[data-compare='1-" + n + "']"));
    b.driver.findElement(By.id("cmp-off")).click();
    b.waitUntil(d -> !d.getCurrentUrl().contains("a=1"));
    b.waitUntil(d -> d.findElements(By.cssSelector("#diff[data-compare]")).isEmpty());
    assertThat(b.driver.findElement(By.cssSelector("#diff .diff-head")).getText())
        .contains("compared with #" + (n - 1));
    assertThat(b.consoleErrors()).as("console errors").isEmpty();
  }

  @Test
  void comparingTwoTimesShowsEachChangedObjectsDiff() throws Exception {
    b.get("/ui/state?at=2026-01-01T00:01:00Z&compare=2026-01-01T00:05:00Z");
    b.waitFor(By.cssSelector("#changes tbody tr"));
    WebElement changed =
        b.driver.findElement(
            By.xpath(
                "//section[@id='changes']//tr[.//span[contains(@class,'ch-modified')"
                    + " or contains(@class,'ch-created')]]"));
    String key = changed.findElement(By.cssSelector("a.show-diff")).getAttribute("data-object");
    changed.findElement(By.cssSelector("a.show-diff")).click();
    b.waitUntil(d -> d.getCurrentUrl().contains("object="));
    WebElement diff = b.waitFor(By.id("state-diff"));
    assertThat(diff.findElement(By.cssSelector(".diff-head")).getText())
        .contains(key.substring(key.lastIndexOf('/') + 1));
    assertThat(diff.findElements(By.cssSelector(".dl.add, .dl.del"))).isNotEmpty();
    assertThat(diff.findElements(By.tagName("time")))
        .extracting(t -> t.getAttribute("datetime"))
        .containsExactly("2026-01-01T00:01:00Z", "2026-01-01T00:05:00Z");
    b.screenshot("state-compare-object");
  }
}
