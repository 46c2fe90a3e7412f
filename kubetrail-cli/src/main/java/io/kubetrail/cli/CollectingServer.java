package io.kubetrail.cli;

import io.kubetrail.server.KubetrailServer;
import io.kubetrail.server.ServerOptions;
import io.kubetrail.server.auth.Authenticator;

/**
 * {@code serve --config}: one process that collects (the collector of {@code kubetrail collect},
 * unchanged) and serves the store it collects into.
 */
final class CollectingServer {
  private CollectingServer() {}

  static int run(ServeCommand serve, Authenticator auth) throws Exception {
    CollectCommand collect = new CollectCommand();
    collect.config = serve.config;
    collect.spec = serve.spec;
    KubetrailServer[] server = new KubetrailServer[1];
    collect.onReady =
        (store, reports) -> {
          if (store.isEmpty()) {
            throw new UsageException(
                serve.config
                    + ": serve --config needs a collector that stores (store:), not one"
                    + " that forwards");
          }
          serve.store.location(store.get());
          ServerOptions options = serve.options();
          if (serve.reports == null) {
            options = options.withReportDefinitions(reports);
          }
          server[0] = serve.start(options, auth);
        };
    try {
      return collect.call();
    } finally {
      if (server[0] != null) {
        server[0].close();
      }
    }
  }
}
