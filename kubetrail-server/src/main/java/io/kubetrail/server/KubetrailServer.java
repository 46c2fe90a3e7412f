package io.kubetrail.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.kubetrail.collect.webhook.Tls;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.server.auth.AuthUnavailableException;
import io.kubetrail.server.auth.Authenticator;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.server.auth.Role;
import io.kubetrail.server.ui.WebUi;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.search.BadParameterException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP API under {@code /api/v1}, over one store. Without authentication it listens on loopback
 * only. Routes are listed in {@code openapi.json} (served at {@code /api/v1/openapi.json}).
 */
public final class KubetrailServer implements AutoCloseable {
  /** Where the API lives. */
  public static final String BASE = "/api/v1";

  private static final String CALLER = "kubetrail.caller";

  private final Javalin app;
  private final AuditStore store;
  private final AccessLog access;
  private final URI url;
  private final List<String> routes;

  private KubetrailServer(
      Javalin app, AuditStore store, AccessLog access, URI url, List<String> routes) {
    this.app = app;
    this.routes = List.copyOf(routes);
    this.store = store;
    this.access = access;
    this.url = url;
  }

  /**
   * Starts a server: the API and the web UI ({@link WebUi}).
   *
   * @throws IllegalArgumentException when it would listen beyond loopback without authentication
   * @throws IOException when the store, the access log or the TLS files cannot be opened
   */
  public static KubetrailServer start(ServerOptions options, Authenticator auth, Clock clock)
      throws IOException {
    return start(options, auth, clock, config -> WebUi.mount(config.routes));
  }

  /**
   * Starts a server with more routes (web pages, static assets) outside {@link #BASE}, configured
   * by {@code more}; the API's own routes and authentication are already in place.
   */
  public static KubetrailServer start(
      ServerOptions options,
      Authenticator auth,
      Clock clock,
      java.util.function.Consumer<io.javalin.config.JavalinConfig> more)
      throws IOException {
    if (auth.open() && !options.listen().loopback()) {
      throw new IllegalArgumentException(
          "--listen "
              + options.listen()
              + " is reachable from other machines: give --auth (users.yaml or kubernetes),"
              + " or listen on 127.0.0.1");
    }
    Optional<SSLContext> ssl = Optional.empty();
    if (options.tls().isPresent()) {
      ssl =
          Optional.of(
              Tls.serverContext(options.tls().get().certificate(), options.tls().get().key()));
    }
    AuditStore store =
        AuditStores.open(
            options.storeLocation(),
            StoreOptions.builder()
                .readOnly(true)
                .searchCacheBytes(options.searchCacheBytes())
                .build());
    AccessLog access = AccessLog.NONE;
    try {
      access = StoreAccessLog.open(options.accessLogDirectory(), clock);
      ServerContext context = new ServerContext(options, clock, access, HistoryOptions.defaults());
      Sessions sessions = new Sessions(clock, options.sessionLifetime());
      auth.namespaces(() -> namespaces(store));
      Optional<SSLContext> tls = ssl;
      List<String> routes = new ArrayList<>();
      Javalin app =
          Javalin.create(
              config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.http.maxRequestSize = options.maxBodyBytes();
                config.jetty.threadPool = threadPool(options);
                tls.ifPresent(
                    c ->
                        config.jetty.addConnector(
                            (server, http) -> httpsConnector(server, http, c, options)));
                routes(config, context, store, auth, sessions, routes);
                more.accept(config);
              });
      if (tls.isPresent()) {
        app.start();
      } else {
        app.start(options.listen().host(), options.listen().port());
      }
      String scheme = tls.isPresent() ? "https" : "http";
      String host = options.listen().host();
      if (host.equals("0.0.0.0") || host.equals("::")) {
        host = "localhost";
      }
      URI url =
          URI.create(
              scheme
                  + "://"
                  + (host.contains(":") ? "[" + host + "]" : host)
                  + ":"
                  + app.port()
                  + "/");
      return new KubetrailServer(app, store, access, url, routes);
    } catch (RuntimeException | IOException e) {
      access.close();
      store.close();
      throw e;
    }
  }

  private static QueuedThreadPool threadPool(ServerOptions options) {
    QueuedThreadPool pool = new QueuedThreadPool(options.threads(), Math.min(4, options.threads()));
    pool.setName("kubetrail-http");
    return pool;
  }

  private static ServerConnector httpsConnector(
      org.eclipse.jetty.server.Server server,
      HttpConfiguration http,
      SSLContext context,
      ServerOptions options) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(context);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Clients reach a server by IP or a name its certificate may not list; TLS checks are theirs.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(options.listen().host());
    connector.setPort(options.listen().port());
    return connector;
  }

  private interface Route {
    void handle(Context ctx, Caller caller, AuditStore store) throws Exception;
  }

  private static void routes(
      io.javalin.config.JavalinConfig config,
      ServerContext context,
      AuditStore store,
      Authenticator auth,
      Sessions sessions,
      List<String> routes) {
    EventRoutes events = new EventRoutes(context);
    ObjectRoutes objects = new ObjectRoutes(context);
    ReportRoutes reports = new ReportRoutes(context);
    ReportRunRoutes runs = new ReportRunRoutes(context);
    PolicyRoutes policy = new PolicyRoutes();
    AccessLogRoutes accessLog = new AccessLogRoutes(context);
    var r = config.routes;
    r.before(ctx -> authenticate(ctx, auth, sessions));
    Routes add = new Routes(r, routes);
    add.get("/openapi.json", OpenApi::serve);
    add.post("/login", ctx -> Login.login(ctx, auth, sessions));
    add.post("/logout", ctx -> Login.logout(ctx, sessions));
    add.get("/whoami", ctx -> Login.whoami(ctx, caller(ctx)));
    add.get("/clusters", wrap(store, events::clusters));
    add.get("/events", wrap(store, events::search));
    add.get("/events/export", wrap(store, events::export));
    add.get("/requests/{cluster}/{auditID}", wrap(store, events::request));
    add.get("/histogram", wrap(store, events::histogram));
    add.get("/facets", wrap(store, events::facets));
    add.get("/history", wrap(store, objects::history));
    add.get("/state", wrap(store, objects::state));
    add.get("/state/object", wrap(store, objects::stateObject));
    add.get("/state/diff", wrap(store, objects::stateDiff));
    add.get("/changes", wrap(store, reports::changes));
    add.get("/reports", wrap(store, (ctx, c, s) -> reports.types(ctx, c)));
    add.get("/reports/{type}", wrap(store, reports::report));
    add.get("/report-definitions", wrap(store, (ctx, c, s) -> runs.definitions(ctx)));
    add.get("/report-definitions/{name}/run", wrap(store, reports::runDefinition));
    add.get("/report-runs", wrap(store, (ctx, c, s) -> runs.list(ctx, c, s)));
    add.get("/report-runs/{id}", wrap(store, (ctx, c, s) -> runs.show(ctx, c, s)));
    add.get("/report-runs/{id}/download", wrap(store, (ctx, c, s) -> runs.download(ctx, c, s)));
    add.post("/policy/check", wrap(store, (ctx, c, s) -> policy.check(ctx)));
    add.get("/access-log/events", wrap(store, (ctx, c, s) -> accessLog.search(ctx, c)));
    r.exception(
        ApiException.class, (e, ctx) -> Http.error(ctx, e.status(), e.parameter(), e.getMessage()));
    r.exception(
        BadParameterException.class,
        (e, ctx) -> Http.error(ctx, 400, e.parameter(), e.getMessage()));
    r.exception(
        AuthUnavailableException.class, (e, ctx) -> Http.error(ctx, 503, "", e.getMessage()));
    r.exception(
        StoreException.class,
        (e, ctx) -> {
          System.err.println("kubetrail serve: " + ctx.method() + " " + ctx.path() + ": " + e);
          Http.error(ctx, 503, "", e.getMessage());
        });
    r.exception(
        Exception.class,
        (e, ctx) -> {
          // For the operator; the caller learns only that it failed.
          System.err.println("kubetrail serve: " + ctx.method() + " " + ctx.path() + " failed:");
          e.printStackTrace(System.err);
          Http.error(ctx, 500, "", "the server failed to answer: " + e.getClass().getSimpleName());
        });
    r.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            Http.error(ctx, 404, "", "no such route: " + ctx.method() + " " + ctx.path());
          }
        });
  }

  /** Registers routes under {@link #BASE}, and lists them. */
  private record Routes(io.javalin.config.RoutesConfig config, List<String> list) {
    void get(String path, io.javalin.http.Handler h) {
      config.get(BASE + path, h);
      list.add("GET " + BASE + path);
    }

    void post(String path, io.javalin.http.Handler h) {
      config.post(BASE + path, h);
      list.add("POST " + BASE + path);
    }
  }

  private static io.javalin.http.Handler wrap(AuditStore store, Route route) {
    return ctx -> route.handle(ctx, caller(ctx), store);
  }

  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw ApiException.unauthorized("log in first");
    }
    return c;
  }

  /**
   * Finds the caller of every request, by bearer token or session cookie; under {@link #BASE} (but
   * for the API's description and login) a request without one is answered 401. Other paths (web
   * pages) learn the caller through {@link #callerOf} and decide for themselves.
   */
  private static void authenticate(Context ctx, Authenticator auth, Sessions sessions) {
    String path = ctx.path();
    if (path.equals(BASE + "/openapi.json") || path.equals(BASE + "/login")) {
      return;
    }
    Optional<Caller> caller = Optional.empty();
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      caller = auth.authenticate(header.substring(7).trim());
    } else if (ctx.cookie(Sessions.COOKIE) != null) {
      caller = sessions.caller(ctx.cookie(Sessions.COOKIE));
    } else if (auth.open()) {
      caller = auth.authenticate("");
    }
    if (caller.isPresent()) {
      ctx.attribute(CALLER, caller.get());
    } else if (path.startsWith(BASE + "/")) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"kubetrail\"");
      throw ApiException.unauthorized(
          header == null && ctx.cookie(Sessions.COOKIE) == null
              ? "authentication required: send Authorization: Bearer <token>, or log in"
              : "the token or session is not valid");
    }
  }

  /**
   * The authenticated caller of a request, for routes added with {@link #start(ServerOptions,
   * Authenticator, Clock, java.util.function.Consumer)}; empty when it has no valid token or
   * session.
   */
  public static Optional<Caller> callerOf(Context ctx) {
    return Optional.ofNullable(ctx.attribute(CALLER));
  }

  private static java.util.Set<String> namespaces(AuditStore store) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    try {
      store
          .facet(
              io.kubetrail.store.EventQuery.all(), io.kubetrail.store.FacetField.NAMESPACE, 100_000)
          .forEach(c -> out.add(c.value()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** Where the server answers, e.g. {@code http://127.0.0.1:8080/}. */
  public URI url() {
    return url;
  }

  /** Every route, as {@code GET /api/v1/events}. */
  List<String> routes() {
    return routes;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() throws IOException {
    try {
      app.stop();
    } finally {
      try {
        access.close();
      } finally {
        store.close();
      }
    }
  }

  static boolean isAdmin(Caller c) {
    return c.role() == Role.ADMIN;
  }

  static Cookie sessionCookie(String value, int maxAge, boolean secure) {
    Cookie c = new Cookie(Sessions.COOKIE, value);
    c.setPath("/");
    c.setHttpOnly(true);
    c.setSameSite(SameSite.STRICT);
    c.setMaxAge(maxAge);
    c.setSecure(secure);
    return c;
  }
}
