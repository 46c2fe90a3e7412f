package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a cluster, against fabric8's mock API server in CRUD mode (loopback only). */
@EnableKubernetesMockClient(crud = true)
class LiveClusterTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path dir;

  static void populate(KubernetesClient client) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("app").endMetadata().build())
        .create();
    client
        .pods()
        .inNamespace("app")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .build())
        .create();
    client
        .serviceAccounts()
        .inNamespace("app")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    client
        .endpoints()
        .inNamespace("app")
        .resource(new EndpointsBuilder().withNewMetadata().withName("web").endMetadata().build())
        .create();
    client
        .network()
        .networkPolicies()
        .inNamespace("app")
        .resource(
            new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("deny")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .addToPolicyTypes("Ingress")
                .endSpec()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("app")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("not-listed")
                .endMetadata()
                .build())
        .create();
  }

  @Test
  void listsTheSnapshotKindsInEveryNamespace() throws IOException {
    populate(client);
    Clock clock = Clock.fixed(Events.t(5), ZoneOffset.UTC);

    LiveCluster.Listing listing = LiveCluster.list(client, clock);

    assertThat(listing.at()).isEqualTo(Events.t(5));
    assertThat(listing.objects())
        .extracting(o -> o.key().toString())
        .containsExactlyInAnyOrder(
            "pods/app/web",
            "namespaces/app",
            "serviceaccounts/app/default",
            "endpoints/app/web",
            "networkpolicies.networking.k8s.io/app/deny");
    LiveObject web =
        listing.objects().stream()
            .filter(o -> o.key().name().equals("web") && o.kind().equals("Pod"))
            .findFirst()
            .orElseThrow();
    assertThat(web.body().at("/spec/containers/0/image").asText()).isEqualTo("nginx");
    assertThat(web.body().at("/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(web.resourceVersion()).isNotEmpty();
  }

  @Test
  void readsTheClusterAKubeconfigPointsAt() throws IOException {
    populate(client);
    Path kubeconfig = writeKubeconfig(dir, client.getMasterUrl().toString());
    LiveCluster.Listing listing = LiveCluster.list(Optional.of(kubeconfig));
    assertThat(listing.objects()).hasSize(5);
  }

  @Test
  void anUnreadableKubeconfigIsAClearError() throws IOException {
    Path bad = dir.resolve("bad");
    Files.writeString(bad, "{{{ not yaml");
    assertThatThrownBy(() -> LiveCluster.list(Optional.of(bad))).isInstanceOf(IOException.class);
  }

  static Path writeKubeconfig(Path dir, String server) throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: mock
          context:
            cluster: mock
            user: tester
        current-context: mock
        users:
        - name: tester
          user:
            token: secret
        """
            .formatted(server));
    return kubeconfig;
  }
}
