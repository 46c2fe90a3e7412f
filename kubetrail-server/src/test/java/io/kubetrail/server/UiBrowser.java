package io.kubetrail.server;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium driven through chromedriver, with screenshots under target/. */
final class UiBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Path DOWNLOADS = Path.of("target", "ui-downloads").toAbsolutePath();

  final ChromeDriver driver;
  private final URI base;
  private final Path profile;

  private UiBrowser(ChromeDriver driver, URI base, Path profile) {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
  }

  /** Fails, naming what to install, when the browser or its driver is missing. */
  static void requireChromium() {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            "the browser tests need "
                + p
                + ": install Debian's chromium and chromium-driver"
                + " (apt-get install -y chromium chromium-driver), as .ci/run does");
      }
    }
  }

  static UiBrowser open(URI base) throws IOException {
    Path profile = Files.createTempDirectory("kubetrail-chromium");
    Files.createDirectories(SCREENSHOTS);
    Files.createDirectories(DOWNLOADS);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,768",
        "--lang=en-US",
        "--user-data-dir=" + profile);
    o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    o.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            DOWNLOADS.toString(),
            "download.prompt_for_download",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new UiBrowser(driver, base, profile);
  }

  /** Opens a path of the server, e.g. {@code /ui/timeline?namespace=x}. */
  void get(String path) {
    driver.get(base.resolve(path).toString());
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Logs in through the login page with a token. */
  void login(String token) {
    get("/ui/login");
    WebElement field = waitFor(By.id("token"));
    field.sendKeys(token);
    driver.findElement(By.id("login")).click();
    waitUntil(d -> d.getCurrentUrl().contains("/ui/timeline"));
    waitFor(By.cssSelector("#who .me"));
  }

  WebElement waitFor(By by) {
    return wait20()
        .until(
            d ->
                d.findElements(by).stream()
                    .filter(WebElement::isDisplayed)
                    .findFirst()
                    .orElse(null));
  }

  <T> T waitUntil(Function<WebDriver, T> condition) {
    return wait20().until(condition);
  }

  /** A page re-renders as a whole: an element read while it is replaced is read again. */
  private WebDriverWait wait20() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /** Waits until the page has rendered with its data. */
  void ready() {
    waitUntil(d -> "ready".equals(d.findElement(By.id("app")).getAttribute("data-state")));
  }

  /** Waits until the Timeline has its rows, counts and histogram. */
  void timelineLoaded() {
    ready();
    waitUntil(
        d ->
            !d.findElements(By.cssSelector("#rows tr")).isEmpty()
                && d.findElement(By.id("total")).getAttribute("data-count") != null
                && d.findElement(By.id("histogram")).getAttribute("data-total") != null);
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The text a same-origin fetch of {@code url} answers, read in the page (with its session). */
  String fetch(String url) {
    return (String)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'})"
                    + ".then(r => r.text()).then(done, e => done('failed: ' + e));",
                url);
  }

  /**
   * Clicks a download link and waits for the file the browser saves, whose name ends with {@code
   * suffix}; earlier downloads are removed first.
   */
  Path download(WebElement link, String suffix) throws IOException {
    Files.createDirectories(DOWNLOADS);
    try (var old = Files.list(DOWNLOADS)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    link.click();
    return waitUntil(
        d -> {
          try (var files = Files.list(DOWNLOADS)) {
            return files
                .filter(p -> p.getFileName().toString().endsWith(suffix))
                .findFirst()
                .orElse(null);
          } catch (IOException e) {
            return null;
          }
        });
  }

  /** The browser console's errors since the last call (script errors, refused loads, CSP). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(e -> e.getMessage())
        .toList();
  }

  Path screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
