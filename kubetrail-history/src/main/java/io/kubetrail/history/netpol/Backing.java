package io.kubetrail.history.netpol;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.history.LiveObject;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The pods one Endpoints or EndpointSlice object says back a Service: those its addresses' {@code
 * targetRef}s name (ready or not: the Service selects them either way).
 *
 * @param service {@code namespace/name} of the Service
 * @param pods {@code namespace/name} of each pod
 */
record Backing(String service, Set<String> pods) {
  /** The label naming an EndpointSlice's Service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** Backs nothing. */
  static final Backing NONE = new Backing("", Set.of());

  Backing {
    pods = Set.copyOf(pods);
  }

  /**
   * What an Endpoints ({@code subsets[].addresses[]}, {@code notReadyAddresses[]}) or EndpointSlice
   * ({@code endpoints[]}, its Service named by {@value #SERVICE_NAME_LABEL}) points at; empty for a
   * slice that names no Service. Fields of unexpected shape are read as absent: the API server
   * validated them, and a mistake here moves a Service, not a flag.
   *
   * <p>Found by scanning the body's bytes ({@link BackingScan}): a walk over a month meets an
   * Endpoints at each of its pods' comings and goings, and building its tree each time cost a tenth
   * of the walk. Where the scan cannot answer as the tree would, the tree is read.
   */
  static Optional<Backing> read(LiveObject o) {
    try {
      return BackingScan.read(o.key(), o.unsafeJson());
    } catch (BackingScan.Unscannable | IllegalArgumentException e) {
      return parse(o);
    }
  }

  /** {@link #read} from the body's tree. */
  static Optional<Backing> parse(LiveObject o) {
    JsonNode body = o.body();
    String ns = o.key().namespace();
    Set<String> pods = new HashSet<>();
    if (o.key().type().resource().equals("endpointslices")) {
      String service = body.path("metadata").path("labels").path(SERVICE_NAME_LABEL).asText("");
      if (service.isEmpty()) {
        return Optional.empty();
      }
      body.path("endpoints").forEach(e -> target(ns, e.path("targetRef")).ifPresent(pods::add));
      return Optional.of(new Backing(ns + "/" + service, pods));
    }
    for (JsonNode subset : body.path("subsets")) {
      for (String field : new String[] {"addresses", "notReadyAddresses"}) {
        subset.path(field).forEach(a -> target(ns, a.path("targetRef")).ifPresent(pods::add));
      }
    }
    return Optional.of(new Backing(ns + "/" + o.key().name(), pods));
  }

  private static Optional<String> target(String namespace, JsonNode ref) {
    String name = ref.path("name").asText("");
    if (!ref.path("kind").asText("").equals("Pod") || name.isEmpty()) {
      return Optional.empty();
    }
    String ns = ref.path("namespace").asText("");
    return Optional.of((ns.isEmpty() ? namespace : ns) + "/" + name);
  }

  /** A pod named by a targetRef, for the scan. */
  static Optional<String> target(String namespace, String kind, String name, String refNamespace) {
    if (!kind.equals("Pod") || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((refNamespace.isEmpty() ? namespace : refNamespace) + "/" + name);
  }
}
