package io.kubetrail.cli;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.report.runs.ReportDefinitionException;
import io.kubetrail.report.runs.ReportDefinitions;
import io.kubetrail.server.KubetrailServer;
import io.kubetrail.server.ServerOptions;
import io.kubetrail.server.auth.Authenticator;
import io.kubetrail.server.auth.KubernetesAuth;
import io.kubetrail.server.auth.TokenHash;
import io.kubetrail.server.auth.UsersFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail serve}: the HTTP API over a store; with a collector configuration, collects. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve the HTTP API over a store; with --config, collect too.",
      "The API lives under /api/v1 and is described at /api/v1/openapi.json.",
      "Without --auth it listens on loopback only, and every caller is an admin.",
      "With --config the same process also collects, as kubetrail collect does.",
      "Runs until SIGTERM or Ctrl-C."
    },
    subcommands = {ServeCommand.HashToken.class})
final class ServeCommand implements Callable<Integer> {
  /** The value of --auth that checks tokens with the Kubernetes API. */
  static final String KUBERNETES = "kubernetes";

  @Mixin StoreOptionsMixin store;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "Where to listen (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--auth",
      paramLabel = "USERS.yaml|kubernetes",
      description =
          "Require bearer tokens: those of a users file (see 'serve hash-token'), or tokens the"
              + " Kubernetes API accepts (TokenReview, SubjectAccessReview per namespace).")
  String auth;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "HTTPS: certificate (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "HTTPS: private key (PEM).")
  Path tlsKey;

  @Option(
      names = "--access-log",
      paramLabel = "DIR",
      description = "Where the access log is stored (default: the store directory + -access-log).")
  Path accessLog;

  @Option(
      names = "--reports",
      paramLabel = "FILE",
      description =
          "The scheduled reports (a collector's reports: file of GlobalReports) to list and run"
              + " now; with --config, its reports: file by default.")
  Path reports;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Also collect, with this collector configuration (as kubetrail collect).")
  Path config;

  @Spec CommandSpec spec;

  @Override
  // The server is held open by try-with-resources until a signal; its body need not name it.
  @SuppressWarnings("try")
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    // Checked before anything starts; with --config, the store is the collector's.
    ServerOptions options = options();
    Authenticator authenticator = authenticator();
    if (config != null) {
      return CollectingServer.run(this, authenticator);
    }
    if (!store.remote() && !Files.isDirectory(store.directory)) {
      throw new UsageException(
          store.directory + ": no store here (ingest or collect into it first)");
    }
    try (KubetrailServer server = start(options, authenticator)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Signals.onTerminate(stopped::countDown);
      stopped.await();
      err.println("kubetrail serve: stopped");
    }
    return ExitCodes.OK;
  }

  KubetrailServer start(ServerOptions options, Authenticator authenticator) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    KubetrailServer server;
    try {
      server = KubetrailServer.start(options, authenticator, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (authenticator.open()) {
      err.println(
          "kubetrail serve: no --auth: listening on loopback only, every caller is an admin");
    }
    err.println("kubetrail serve: access log in " + options.accessLogDirectory());
    spec.commandLine().getOut().println("kubetrail serve: open " + server.url());
    spec.commandLine().getOut().flush();
    err.flush();
    return server;
  }

  ServerOptions options() {
    ServerOptions o = ServerOptions.defaults(store.directory).withStoreLocation(store.location);
    try {
      o = o.withListen(Endpoint.parse(listen));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listen: " + e.getMessage(), e);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together: give both or neither");
    }
    if (tlsCert != null) {
      o = o.withTls(new ServerOptions.Tls(tlsCert, tlsKey));
    }
    if (accessLog != null) {
      o = o.withAccessLogDirectory(accessLog);
    }
    if (reports != null) {
      try {
        o = o.withReportDefinitions(ReportDefinitions.load(reports));
      } catch (ReportDefinitionException e) {
        throw new UsageException("--reports: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UsageException("--reports: " + reports + ": " + e.getMessage(), e);
      }
    }
    return o;
  }

  private Authenticator authenticator() throws IOException {
    if (auth == null) {
      return Authenticator.none();
    }
    if (auth.equals(KUBERNETES)) {
      return KubernetesAuth.fromEnvironment(Optional.empty());
    }
    try {
      return UsersFile.load(Path.of(auth));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--auth: " + e.getMessage(), e);
    }
  }

  /** {@code kubetrail serve hash-token}: a new token and the hash users.yaml keeps of it. */
  @Command(
      name = "hash-token",
      mixinStandardHelpOptions = true,
      description = {
        "Print a new random token and its hash for users.yaml (tokenHash).",
        "With --token, hash that token instead. Give the token to its user; keep only the hash."
      })
  static final class HashToken implements Callable<Integer> {
    @Option(names = "--token", paramLabel = "TOKEN", description = "Hash this token.")
    String token;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      String t = token == null ? TokenHash.newToken() : token;
      if (token == null) {
        out.println("token:     " + t);
      }
      out.println("tokenHash: " + TokenHash.of(t));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
