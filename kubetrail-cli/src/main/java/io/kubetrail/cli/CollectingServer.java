package io.kubetrail.cli;

import io.kubetrail.collector.CollectorRun;
import io.kubetrail.server.KubetrailServer;
import io.kubetrail.server.ServerOptions;
import io.kubetrail.server.auth.Authenticator;
import java.io.PrintWriter;

/**
 * {@code serve --config}: one process that collects (the collector of {@code kubetrail collect},
 * unchanged) and serves the store it collects into.
 */
final class CollectingServer {
  private CollectingServer() {}

  static int run(ServeCommand serve, Authenticator auth) throws Exception {
    PrintWriter err = serve.spec.commandLine().getErr();
    try (CollectorRun run =
        CollectorRun.open(
            CollectCommand.setup(serve.config, err),
            StoreOptionsMixin.collectorStores(),
            CollectCommand.log(err))) {
      if (run.storeLocation().isEmpty()) {
        throw new UsageException(
            serve.config
                + ": serve --config needs a collector that stores (store:), not one"
                + " that forwards");
      }
      serve.store.location(run.storeLocation().get());
      ServerOptions options = serve.options();
      if (serve.reports == null) {
        options = options.withReportDefinitions(run.reports());
      }
      // Closed in finally: the body never names it, and javac warns of such a resource.
      KubetrailServer server = serve.start(options, auth);
      try {
        return CollectCommand.run(run, serve.spec.commandLine().getOut());
      } finally {
        server.close();
      }
    }
  }
}
