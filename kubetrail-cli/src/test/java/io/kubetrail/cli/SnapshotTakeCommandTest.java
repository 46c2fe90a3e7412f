package io.kubetrail.cli;

import static io.kubetrail.cli.StateCommandTest.event;
import static io.kubetrail.cli.StateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshot take} against fabric8's mock API server in CRUD mode (loopback only). */
@EnableKubernetesMockClient(crud = true)
class SnapshotTakeCommandTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path dir;
  Path store;

  @BeforeEach
  void emptyStore() throws IOException {
    store = dir.resolve("store");
    StateCommandTest.store(
        store,
        "default",
        List.of(event("delete", "", "pods", "app", "old", 20, 200, "", "alice", null)));
  }

  @Test
  void takesASnapshotOfALiveCluster() throws IOException {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("app").endMetadata().build())
        .create();
    client
        .pods()
        .inNamespace("app")
        .resource(new PodBuilder().withNewMetadata().withName("web").endMetadata().build())
        .create();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        contexts:
        - name: mock
          context: {cluster: mock, user: tester}
        current-context: mock
        users:
        - name: tester
          user: {token: secret}
        """
            .formatted(client.getMasterUrl()));

    StateCommandTest.Run r =
        run("snapshot", "take", "--store", store.toString(), "--kubeconfig", kubeconfig.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 objects");
    assertThat(run("state", "--store", store.toString(), "--at", "0s").out())
        .contains("\"pods\" : [ \"app/web\" ]", "\"namespaces\" : [ \"app\" ]");
  }

  @Test
  void anUnreadableKubeconfigIsAUsageError() {
    StateCommandTest.Run r =
        run(
            "snapshot",
            "take",
            "--store",
            store.toString(),
            "--kubeconfig",
            dir.resolve("missing").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("cannot read the kubeconfig");
  }
}
