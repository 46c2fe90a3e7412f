package io.kubetrail.opensearch;

import static io.kubetrail.opensearch.CollectBufferRestartTest.await;
import static io.kubetrail.opensearch.CollectBufferRestartTest.publish;
import static io.kubetrail.opensearch.CollectBufferRestartTest.storedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.FollowedFileSource;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.metrics.CollectorMetrics;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector started while nothing listens at its cluster's address: it starts, keeps what it
 * reads in its on-disk buffer, shows the store as unreachable, and once the cluster answers there
 * every event is stored exactly once. Started again while the cluster is gone, it resumes from its
 * local copy of the store's positions rather than from the start of the log.
 */
class CollectBeforeTheClusterTest {
  @TempDir Path dir;

  @Test
  void aCollectorStartsBeforeItsClusterAndStoresEveryEventOnceWhenItAnswers() throws Exception {
    OpenSearchNode node = OpenSearchNode.shared();
    int port = UnreachableClusterTest.closedPort();
    String prefix = OpenSearchOptions.parse(node.freshLocation("before"), Map.of()).indexPrefix();
    OpenSearchOptions options =
        OpenSearchOptions.parse(
            "http://127.0.0.1:" + port + "?prefix=" + prefix + "&connectRetries=0", Map.of());
    Path log = Files.createFile(dir.resolve("kube-audit.log"));
    Path positions = dir.resolve("collector/store-positions.json");
    List<String> published = new ArrayList<>();

    Run first = new Run(options, log, positions);
    assertThat(first.connection.unreachable()).isPresent();
    assertThat(first.metrics.scrape()).contains("kubetrail_store_reachable 0.0");
    publish(log, published, 0, 300);
    await("300 read", () -> first.read.get() == 300);
    await("batches buffered", () -> first.pipeline.buffer().batches() > 0);
    assertThat(first.pipeline.stored()).isZero();
    assertThat(first.metrics.status(false).storeUnreachable()).contains("cannot reach");

    // The cluster comes up at the address the collector was given.
    Forwarder cluster = new Forwarder(port, URI.create(node.url()).getPort());
    try {
      await("the buffer drained", () -> first.pipeline.buffer().batches() == 0);
      publish(log, published, 300, 100);
      await("400 stored", () -> first.pipeline.stored() == 400);
      assertThat(first.metrics.scrape()).contains("kubetrail_store_reachable 1.0");
      assertThat(first.connection.store()).isPresent();
      first.stop();
    } finally {
      cluster.close();
    }

    // Gone again at the next start: the sources go on from the local copy of the positions.
    Run second = new Run(options, log, positions);
    assertThat(second.connection.unreachable()).isPresent();
    publish(log, published, 400, 100);
    await("100 more read", () -> second.read.get() == 100);
    Forwarder back = new Forwarder(port, URI.create(node.url()).getPort());
    try {
      await("100 more stored", () -> second.pipeline.stored() == 100);
      assertThat(second.pipeline.duplicates()).isZero();
      second.stop();
    } finally {
      back.close();
    }

    OpenSearchOptions direct = OpenSearchOptions.parse(node.url() + "?prefix=" + prefix, Map.of());
    try (AuditStore store =
        OpenSearchAuditStore.open(direct, StoreOptions.builder().readOnly(true).build())) {
      assertThat(storedIds(store)).containsExactlyInAnyOrderElementsOf(published);
      assertThat(store.count(EventQuery.all())).isEqualTo(published.size());
      assertThat(store.verify().ok()).isTrue();
    }
  }

  /** A collector following the log into the store through a {@link StoreConnection}. */
  private final class Run {
    final StoreConnection connection;
    final CollectorMetrics metrics;
    final Pipeline pipeline;
    final AtomicLong read = new AtomicLong();
    final CompletableFuture<Void> collecting;

    Run(OpenSearchOptions options, Path log, Path positions) throws IOException {
      connection =
          StoreConnection.open(
              () -> OpenSearchAuditStore.open(options, StoreOptions.defaults()),
              Optional.of(positions));
      Pipeline[] p = new Pipeline[1];
      metrics = new CollectorMetrics(false, Clock.systemUTC(), () -> 0, () -> p[0].buffer());
      connection.unreachable().ifPresent(metrics::storeUnreachable);
      PipelineListener counting =
          new PipelineListener() {
            @Override
            public void read(String source, long records, long bytes) {
              read.addAndGet(records);
            }
          };
      pipeline =
          new Pipeline(
              connection,
              IngestOptions.builder().retryAppends(true).batchEvents(100).build(),
              PipelineListener.all(List.of(counting, metrics)),
              DeadLetters.NONE,
              Optional.of(new BufferOptions(dir.resolve("buffer"), 64L << 20)));
      p[0] = pipeline;
      FollowedFileSource source =
          FollowedFileSource.of(
              log, FollowedFileSource.Options.defaults().withPoll(Duration.ofMillis(20)));
      collecting =
          CompletableFuture.runAsync(
              () -> {
                try {
                  pipeline.run(source);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
    }

    void stop() throws Exception {
      pipeline.stop();
      collecting.get(1, TimeUnit.MINUTES);
      pipeline.close();
      connection.close();
    }
  }

  /** Forwards connections from a loopback port to the node: the cluster appearing there. */
  private static final class Forwarder implements Closeable {
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    Forwarder(int port, int target) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(in);
                    open.add(out);
                    pipe(in, out);
                    pipe(out, in);
                  } catch (IOException e) {
                    // closed, or the node refused: the client sees its connection end
                  }
                }
              },
              "forwarder-" + port);
      accept.setDaemon(true);
      accept.start();
    }

    private void pipe(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  in.transferTo(out);
                } catch (IOException e) {
                  // either side closed
                } finally {
                  closeQuietly(from);
                  closeQuietly(to);
                }
              },
              "forwarder-pipe");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      open.forEach(Forwarder::closeQuietly);
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
