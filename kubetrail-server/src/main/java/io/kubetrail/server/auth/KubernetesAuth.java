package io.kubetrail.server.auth;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code --auth kubernetes}: the caller's bearer token is checked with a TokenReview, and what it
 * may read with SubjectAccessReviews on the resource {@code auditevents} of the API group {@value
 * #GROUP} (verb {@code get}), as Calico's audit log access is checked with RBAC:
 *
 * <ul>
 *   <li>{@code get} on {@code accesslog} cluster-wide: {@link Role#ADMIN};
 *   <li>{@code get} on {@code auditevents} cluster-wide: {@link Role#AUDITOR};
 *   <li>else {@link Role#VIEWER} of each namespace (of those the store holds events of) where
 *       {@code get} on {@code auditevents} is allowed.
 * </ul>
 *
 * Answers are kept for a minute per token, so that a page's many requests ask once.
 */
public final class KubernetesAuth implements Authenticator {
  /** The API group the RBAC rules name. */
  public static final String GROUP = "kubetrail.io";

  private static final Duration CACHE = Duration.ofMinutes(1);
  private static final ResourceDefinitionContext TOKEN_REVIEWS =
      context("authentication.k8s.io", "TokenReview", "tokenreviews");
  private static final ResourceDefinitionContext ACCESS_REVIEWS =
      context("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews");

  private record Cached(Optional<Caller> caller, Instant expires) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile Supplier<Set<String>> namespaces = Set::of;

  public KubernetesAuth(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** From a kubeconfig file, else {@code $KUBECONFIG}, {@code ~/.kube/config} or in-cluster. */
  public static KubernetesAuth fromEnvironment(Optional<Path> kubeconfig) {
    Config config =
        kubeconfig.isPresent()
            ? Config.fromKubeconfig(readString(kubeconfig.get()))
            : Config.autoConfigure(null);
    return new KubernetesAuth(
        new KubernetesClientBuilder().withConfig(config).build(), Clock.systemUTC());
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(p + ": cannot read the kubeconfig: " + e.getMessage());
    }
  }

  @Override
  public void namespaces(Supplier<Set<String>> source) {
    this.namespaces = Objects.requireNonNull(source, "source");
  }

  @Override
  public Optional<Caller> authenticate(String token) {
    String key = TokenHash.of(token);
    Cached c = cache.get(key);
    Instant now = clock.instant();
    if (c != null && c.expires().isAfter(now)) {
      return c.caller();
    }
    Optional<Caller> caller = ask(token);
    cache.put(key, new Cached(caller, now.plus(CACHE)));
    cache.values().removeIf(v -> !v.expires().isAfter(now));
    return caller;
  }

  private Optional<Caller> ask(String token) {
    try {
      GenericKubernetesResource review =
          client
              .genericKubernetesResources(TOKEN_REVIEWS)
              .resource(object("authentication.k8s.io/v1", "TokenReview", Map.of("token", token)))
              .create();
      Map<String, Object> status = map(review.getAdditionalProperties().get("status"));
      if (!Boolean.TRUE.equals(status.get("authenticated"))) {
        return Optional.empty();
      }
      Map<String, Object> user = map(status.get("user"));
      String name = String.valueOf(user.getOrDefault("username", ""));
      List<String> groups = new ArrayList<>();
      if (user.get("groups") instanceof List<?> l) {
        l.forEach(g -> groups.add(String.valueOf(g)));
      }
      if (allowed(name, groups, "accesslog", "")) {
        return Optional.of(Caller.of(name, Role.ADMIN, Set.of()));
      }
      if (allowed(name, groups, "auditevents", "")) {
        return Optional.of(Caller.of(name, Role.AUDITOR, Set.of()));
      }
      Set<String> readable = new TreeSet<>();
      for (String ns : namespaces.get()) {
        if (!ns.isEmpty() && allowed(name, groups, "auditevents", ns)) {
          readable.add(ns);
        }
      }
      return Optional.of(Caller.of(name, Role.VIEWER, readable));
    } catch (KubernetesClientException e) {
      throw new AuthUnavailableException(
          "cannot check the token with the Kubernetes API: " + e.getMessage(), e);
    }
  }

  private boolean allowed(String user, List<String> groups, String resource, String namespace) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("group", GROUP);
    attributes.put("resource", resource);
    attributes.put("verb", "get");
    if (!namespace.isEmpty()) {
      attributes.put("namespace", namespace);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("user", user);
    spec.put("groups", groups);
    spec.put("resourceAttributes", attributes);
    GenericKubernetesResource review =
        client
            .genericKubernetesResources(ACCESS_REVIEWS)
            .resource(object("authorization.k8s.io/v1", "SubjectAccessReview", spec))
            .create();
    return Boolean.TRUE.equals(map(review.getAdditionalProperties().get("status")).get("allowed"));
  }

  private static GenericKubernetesResource object(
      String apiVersion, String kind, Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder().withApiVersion(apiVersion).withKind(kind).build();
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static ResourceDefinitionContext context(String group, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(false)
        .build();
  }
}
