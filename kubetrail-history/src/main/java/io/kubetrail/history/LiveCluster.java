package io.kubetrail.history;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Lists a live cluster's objects for a snapshot, through its API server: pods, namespaces, service
 * accounts, endpoints and network policies, in every namespace (the kinds the compliance reports
 * need, as Calico's snapshotter lists them).
 */
public final class LiveCluster {

  /** The resource types a listing lists, in the order it lists them. */
  public static final List<ResourceType> LISTED_TYPES =
      List.of(
          new ResourceType("", "pods"),
          ResourceType.NAMESPACES,
          new ResourceType("", "serviceaccounts"),
          new ResourceType("", "endpoints"),
          new ResourceType("networking.k8s.io", "networkpolicies"));

  /** What a listing holds and when it was taken. */
  public record Listing(Instant at, List<LiveObject> objects) {
    public Listing {
      Objects.requireNonNull(at, "at");
      objects = List.copyOf(objects);
    }

    /** The types listed, whether or not any object of them was found: what a snapshot covers. */
    public List<ResourceType> types() {
      return LISTED_TYPES;
    }
  }

  private LiveCluster() {}

  /**
   * Lists the cluster a kubeconfig points at (its current context); without one, the usual places:
   * {@code $KUBECONFIG}, {@code ~/.kube/config}, or the in-cluster service account.
   *
   * @throws IOException when the cluster cannot be reached or refuses a listing; the message says
   *     which resource failed and why
   */
  public static Listing list(Optional<Path> kubeconfig) throws IOException {
    Config config;
    try {
      config =
          kubeconfig.isPresent()
              ? Config.fromKubeconfig(kubeconfig.get().toFile())
              : Config.autoConfigure(null);
    } catch (KubernetesClientException e) {
      throw new IOException("cannot read the kubeconfig: " + e.getMessage(), e);
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      return list(client, Clock.systemUTC());
    }
  }

  /** Lists through a client; the listing's time is when it started. */
  static Listing list(KubernetesClient client, Clock clock) throws IOException {
    Instant started = clock.instant();
    KubernetesSerialization json = client.getKubernetesSerialization();
    List<LiveObject> objects = new ArrayList<>();
    add(
        objects,
        json,
        started,
        new ResourceType("", "pods"),
        c -> c.pods().inAnyNamespace().list(),
        client);
    add(objects, json, started, ResourceType.NAMESPACES, c -> c.namespaces().list(), client);
    add(
        objects,
        json,
        started,
        new ResourceType("", "serviceaccounts"),
        c -> c.serviceAccounts().inAnyNamespace().list(),
        client);
    add(
        objects,
        json,
        started,
        new ResourceType("", "endpoints"),
        c -> c.endpoints().inAnyNamespace().list(),
        client);
    add(
        objects,
        json,
        started,
        new ResourceType("networking.k8s.io", "networkpolicies"),
        c -> c.network().networkPolicies().inAnyNamespace().list(),
        client);
    return new Listing(started, objects);
  }

  private static void add(
      List<LiveObject> out,
      KubernetesSerialization json,
      Instant at,
      ResourceType type,
      Function<KubernetesClient, KubernetesResourceList<? extends HasMetadata>> lister,
      KubernetesClient client)
      throws IOException {
    KubernetesResourceList<? extends HasMetadata> list;
    try {
      list = lister.apply(client);
    } catch (KubernetesClientException e) {
      throw new IOException(
          "cannot list "
              + type.qualifiedName()
              + " in "
              + client.getMasterUrl()
              + ": "
              + e.getMessage(),
          e);
    }
    for (HasMetadata item : list.getItems()) {
      byte[] body = json.asJson(item).getBytes(StandardCharsets.UTF_8);
      String ns = Objects.requireNonNullElse(item.getMetadata().getNamespace(), "");
      out.add(LiveObject.of(new ResourceKey(type, ns, item.getMetadata().getName()), at, body));
    }
  }
}
