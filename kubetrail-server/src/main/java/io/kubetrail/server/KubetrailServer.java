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
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import io.kubetrail.store.search.BadParameterException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

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

  private KubetrailServer(Javalin app, AuditStore store, AccessLog access, URI url) {
    this.app = app;
    this.store = store;
    this.access = access;
    this.url = url;
  }

  /**
   * Starts a server.
   *
   * @throws IllegalArgumentException when it would listen beyond loopback without authentication
   * @throws IOException when the store, the access log or the TLS files cannot be opened
   */
  public static KubetrailServer start(ServerOptions options, Authenticator auth, Clock clock)
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
        LuceneAuditStore.open(
            options.storeDirectory(), StoreOptions.builder().readOnly(true).build());
    AccessLog access = AccessLog.NONE;
    try {
      access = StoreAccessLog.open(options.accessLogDirectory(), clock);
      ServerContext context = new ServerContext(options, clock, access, HistoryOptions.defaults());
      Sessions sessions = new Sessions(clock, options.sessionLifetime());
      auth.namespaces(() -> namespaces(store));
      Optional<SSLContext> tls = ssl;
      Javalin app =
          Javalin.create(
              config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.http.maxRequestSize = options.maxBodyBytes();
                tls.ifPresent(
                    c ->
                        config.jetty.addConnector(
                            (server, http) -> httpsConnector(server, http, c, options)));
                routes(config, context, store, auth, sessions);
                WebUi.mount(config.routes);
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
      return new KubetrailServer(app, store, access, url);
    } catch (RuntimeException | IOException e) {
      access.close();
      store.close();
      throw e;
    }
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
      Sessions sessions) {
    EventRoutes events = new EventRoutes(context);
    ObjectRoutes objects = new ObjectRoutes(context);
    ReportRoutes reports = new ReportRoutes(context);
    PolicyRoutes policy = new PolicyRoutes();
    AccessLogRoutes accessLog = new AccessLogRoutes(context);
    var r = config.routes;
    r.before(BASE + "/*", ctx -> authenticate(ctx, auth, sessions));
    r.get(BASE + "/openapi.json", OpenApi::serve);
    r.post(BASE + "/login", ctx -> Login.login(ctx, auth, sessions));
    r.post(BASE + "/logout", ctx -> Login.logout(ctx, sessions));
    r.get(BASE + "/whoami", ctx -> Login.whoami(ctx, caller(ctx)));
    r.get(BASE + "/clusters", wrap(store, (ctx, c, s) -> events.clusters(ctx, c, s)));
    r.get(BASE + "/events", wrap(store, events::search));
    r.get(BASE + "/events/export", wrap(store, events::export));
    r.get(BASE + "/requests/{cluster}/{auditID}", wrap(store, events::request));
    r.get(BASE + "/histogram", wrap(store, events::histogram));
    r.get(BASE + "/facets", wrap(store, events::facets));
    r.get(BASE + "/history", wrap(store, objects::history));
    r.get(BASE + "/state", wrap(store, objects::state));
    r.get(BASE + "/state/object", wrap(store, objects::stateObject));
    r.get(BASE + "/changes", wrap(store, reports::changes));
    r.get(BASE + "/reports", wrap(store, (ctx, c, s) -> reports.types(ctx, c)));
    r.get(BASE + "/reports/{type}", wrap(store, reports::report));
    r.post(BASE + "/policy/check", wrap(store, (ctx, c, s) -> policy.check(ctx)));
    r.get(BASE + "/access-log/events", wrap(store, (ctx, c, s) -> accessLog.search(ctx, c)));
    r.exception(
        ApiException.class, (e, ctx) -> Http.error(ctx, e.status(), e.parameter(), e.getMessage()));
    r.exception(
        BadParameterException.class,
        (e, ctx) -> Http.error(ctx, 400, e.parameter(), e.getMessage()));
    r.exception(
        AuthUnavailableException.class, (e, ctx) -> Http.error(ctx, 503, "", e.getMessage()));
    r.exception(
        Exception.class,
        (e, ctx) ->
            Http.error(
                ctx, 500, "", "the server failed to answer: " + e.getClass().getSimpleName()));
    r.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            Http.error(ctx, 404, "", "no such route: " + ctx.method() + " " + ctx.path());
          }
        });
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
    if (caller.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"kubetrail\"");
      throw ApiException.unauthorized(
          header == null && ctx.cookie(Sessions.COOKIE) == null
              ? "authentication required: send Authorization: Bearer <token>, or log in"
              : "the token or session is not valid");
    }
    ctx.attribute(CALLER, caller.get());
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
