package io.kubetrail.collect.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.AuditLinesAccess;
import io.kubetrail.collect.Collector;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.ConfiguredSources;
import io.kubetrail.collect.webhook.TestPki.Issued;
import io.kubetrail.collect.webhook.TestPki.KeyFormat;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors made from their configuration files, as {@code kubetrail collect} makes them: a
 * node's follows a log and forwards it; the central one receives it on its webhook and stores it.
 */
class ConfiguredForwardingTest {
  @TempDir Path dir;

  private static Thread run(Collector collector) {
    Thread t =
        new Thread(
            () -> {
              try {
                collector.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    return t;
  }

  @Test
  void aNodeCollectorForwardsItsLogToTheCentralOneExactlyOnce() throws Exception {
    Issued ca = TestPki.ca("test CA");
    Issued server = TestPki.leaf("central", TestPki.rsa(), ca);
    TestPki.writeCertificate(dir.resolve("ca.crt"), ca.certificate());
    TestPki.writeCertificate(dir.resolve("tls.crt"), server.certificate());
    TestPki.writeKey(dir.resolve("tls.key"), server.keys(), KeyFormat.TRADITIONAL);
    Files.writeString(dir.resolve("token"), "s3cret\n");
    Path log = dir.resolve("kube-audit.log");
    Files.writeString(log, AuditLinesAccess.lines(0, 500));

    CollectorConfig central =
        CollectorConfig.load(
            Files.writeString(
                dir.resolve("central.yaml"),
                """
                store: central-store
                cluster: prod
                sources:
                  - webhook: {listen: 127.0.0.1:0, tlsCert: tls.crt, tlsKey: tls.key, tokenFile: token}
                """));
    List<Source> centralSources = ConfiguredSources.of(central);
    try (AuditStore store =
        LuceneAuditStore.open(
            Path.of(((CollectorConfig.Store) central.destination()).location()),
            StoreOptions.defaults())) {
      Pipeline centralPipeline =
          new Pipeline(
              Sink.of(store),
              IngestOptions.builder().cluster(central.cluster()).retryAppends(true).build(),
              PipelineListener.NONE,
              DeadLetters.NONE);
      Collector centralCollector = new Collector(centralPipeline, centralSources, m -> {});
      Thread centralThread = run(centralCollector);
      InetSocketAddress address =
          ((WebhookSource) centralSources.get(0)).address().get(30, TimeUnit.SECONDS);

      CollectorConfig node =
          CollectorConfig.load(
              Files.writeString(
                  dir.resolve("node.yaml"),
                  "forward: {url: \"https://127.0.0.1:"
                      + address.getPort()
                      + "\", ca: ca.crt, tokenFile: token, positions: node/positions.json}\n"
                      + "cluster: prod\n"
                      + "sources:\n"
                      + "  - file: {path: kube-audit.log, pollMillis: 20}\n"));
      Sink forwarding = ConfiguredSources.forwarding((CollectorConfig.Forward) node.destination());
      Pipeline nodePipeline =
          new Pipeline(
              forwarding,
              IngestOptions.builder().cluster(node.cluster()).retryAppends(true).build(),
              PipelineListener.NONE,
              DeadLetters.NONE);
      Collector nodeCollector = new Collector(nodePipeline, ConfiguredSources.of(node), m -> {});
      Thread nodeThread = run(nodeCollector);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (store.count(EventQuery.all()) < 500 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Files.writeString(
          log, AuditLinesAccess.lines(500, 100), java.nio.file.StandardOpenOption.APPEND);
      while (store.count(EventQuery.all()) < 600 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      nodeCollector.stop();
      nodeThread.join();
      nodePipeline.close();
      centralCollector.stop();
      centralThread.join();
      centralPipeline.close();

      assertThat(store.count(EventQuery.all())).isEqualTo(600);
      assertThat(store.count(EventQuery.builder().clusters("prod").build())).isEqualTo(600);
      assertThat(forwarding.checkpoints()).hasSize(1);
      assertThat(Files.exists(dir.resolve("node/positions.json"))).isTrue();
    }
  }
}
