package io.kubetrail.server.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Serves the web UI: {@code /} and {@code /ui} lead to the Timeline; {@code /ui/PAGE} is the page
 * shell (its script renders the page from the URL); {@code /ui/static/FILE} our scripts and styles;
 * {@code /ui/lib/FILE} uPlot from its WebJar. Nothing here needs a session: the data comes from the
 * API, which does.
 */
public final class WebUi {
  /** Where the UI lives. */
  public static final String BASE = "/ui";

  static final Set<String> PAGES =
      Set.of("timeline", "object", "state", "reports", "policy", "login");

  private static final String OWN = "/io/kubetrail/server/ui/";
  private static final Set<String> LIB = Set.of("uPlot.iife.min.js", "uPlot.min.css");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "html", "text/html; charset=utf-8",
          "svg", "image/svg+xml");

  /** Scripts only from here, no inline code, no framing: the pages show audit data. */
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          + " frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'";

  private final String uplotDir;
  private final byte[] shell;

  private WebUi() {
    this.uplotDir = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    this.shell =
        resource(OWN + "index.html")
            .orElseThrow(() -> new IllegalStateException("the UI's index.html is missing"));
  }

  /** Adds the UI's routes. */
  public static void mount(RoutesConfig routes) {
    WebUi ui = new WebUi();
    routes.get("/", ctx -> ctx.redirect(BASE + "/timeline"));
    routes.get(BASE, ctx -> ctx.redirect(BASE + "/timeline"));
    routes.get(BASE + "/", ctx -> ctx.redirect(BASE + "/timeline"));
    routes.get(BASE + "/static/{file}", ctx -> ui.file(ctx, OWN, ctx.pathParam("file"), true));
    routes.get(
        BASE + "/lib/{file}",
        ctx ->
            ui.file(ctx, ui.uplotDir, ctx.pathParam("file"), LIB.contains(ctx.pathParam("file"))));
    routes.get(BASE + "/{page}", ui::page);
  }

  private void page(Context ctx) {
    if (!PAGES.contains(ctx.pathParam("page"))) {
      notFound(ctx);
      return;
    }
    headers(ctx, "html");
    ctx.result(shell);
  }

  private void file(Context ctx, String dir, String name, boolean allowed) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    Optional<byte[]> body =
        allowed
                && name.matches("[A-Za-z0-9._-]+")
                && !name.equals("index.html")
                && TYPES.containsKey(ext)
            ? resource(dir + name)
            : Optional.empty();
    if (body.isEmpty()) {
      notFound(ctx);
      return;
    }
    headers(ctx, ext);
    ctx.result(body.get());
  }

  private static void headers(Context ctx, String ext) {
    ctx.contentType(TYPES.get(ext));
    ctx.header("Content-Security-Policy", POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    // Revalidated on every load, so a new jar's UI is used at once.
    ctx.header("Cache-Control", "no-cache");
  }

  private static void notFound(Context ctx) {
    ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain; charset=utf-8");
    ctx.result("no such page: " + ctx.path());
  }

  private static Optional<byte[]> resource(String path) {
    try (InputStream in = WebUi.class.getResourceAsStream(path)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uPlot version on the class path, from its WebJar's Maven properties. */
  private static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in =
        WebUi.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar is not on the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
