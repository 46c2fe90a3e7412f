package io.kubetrail.bench;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.policy.PolicyProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Audit policy evaluation rate: events per second through {@link PolicyEvaluator#evaluate}, with a
 * built-in profile ({@code profile} parameter: {@code gke}, {@code calico}, {@code cis}).
 *
 * <p>The events are a fixed mix of {@value #EVENTS} that resembles a small cluster's control plane
 * traffic: node and controller lease renewals, watches and lists by system components, pod status
 * patches from kubelets, events, health probes and discovery, and a few changes by people. One
 * operation is one event, so the score is events per second.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PolicyBenchmark -p profile=gke
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class PolicyBenchmark {
  static final int EVENTS = 1024;

  @Param({"gke", "calico", "cis"})
  public String profile;

  private PolicyEvaluator evaluator;
  private AuditEvent[] events;

  @Setup
  public void setUp() {
    evaluator =
        PolicyEvaluator.of(
            PolicyProfile.byName(profile)
                .orElseThrow(() -> new IllegalArgumentException("no profile " + profile))
                .policy());
    events = Traffic.mix(EVENTS, new Random(20260301L));
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void evaluate(Blackhole bh) {
    for (AuditEvent event : events) {
      bh.consume(evaluator.evaluate(event));
    }
  }

  /** Builds the event mix; only the fields a policy reads are meaningful. */
  static final class Traffic {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static final RawJson JSON = RawJson.of("{}");

    private Traffic() {}

    static AuditEvent[] mix(int count, Random random) {
      List<AuditEvent> all = new ArrayList<>();
      for (int i = 0; all.size() < count; i++) {
        String node = "node-" + (i % 7);
        UserInfo kubelet =
            UserInfo.of("system:node:" + node, "system:nodes", "system:authenticated");
        UserInfo kcm = UserInfo.of("system:kube-controller-manager", "system:authenticated");
        UserInfo scheduler = UserInfo.of("system:kube-scheduler", "system:authenticated");
        UserInfo proxy = UserInfo.of("system:kube-proxy", "system:authenticated");
        UserInfo coredns =
            UserInfo.of(
                "system:serviceaccount:kube-system:coredns",
                "system:serviceaccounts",
                "system:serviceaccounts:kube-system",
                "system:authenticated");
        UserInfo anonymous = UserInfo.of("system:anonymous", "system:unauthenticated");
        UserInfo alice = UserInfo.of("alice@example.com", "dev", "system:authenticated");
        UserInfo apiserver = UserInfo.of("system:apiserver", "system:masters");
        Stage stage = random.nextInt(4) == 0 ? Stage.RequestReceived : Stage.ResponseComplete;

        // Lease renewals: the bulk of a quiet cluster's writes.
        add(
            all,
            kubelet,
            "update",
            res("coordination.k8s.io", "leases", "kube-node-lease", node),
            stage);
        add(
            all,
            kubelet,
            "get",
            res("coordination.k8s.io", "leases", "kube-node-lease", node),
            stage);
        add(
            all,
            kcm,
            "update",
            res("coordination.k8s.io", "leases", "kube-system", "kube-controller-manager"),
            stage);
        add(
            all,
            scheduler,
            "get",
            res("coordination.k8s.io", "leases", "kube-system", "kube-scheduler"),
            stage);
        // Watches and lists by system components.
        add(all, proxy, "watch", res("", "endpoints", "", ""), stage);
        add(all, proxy, "watch", res("discovery.k8s.io", "endpointslices", "", ""), stage);
        add(all, coredns, "watch", res("", "services", "", ""), stage);
        add(all, scheduler, "watch", res("", "pods", "", ""), stage);
        add(all, kcm, "list", res("apps", "replicasets", "", ""), stage);
        add(all, kubelet, "watch", res("", "configmaps", "kube-system", "kube-proxy"), stage);
        add(all, kubelet, "get", res("", "secrets", "default", "registry"), stage);
        add(all, kubelet, "get", res("", "nodes", "", node), stage);
        // Status from kubelets; events from everyone.
        add(all, kubelet, "patch", sub("", "pods", "status", "default", "web-" + (i % 5)), stage);
        add(all, kubelet, "patch", sub("", "nodes", "status", "", node), stage);
        add(all, kubelet, "create", res("", "events", "default", ""), stage);
        add(all, kcm, "create", res("events.k8s.io", "events", "kube-system", ""), stage);
        add(all, kcm, "update", res("", "endpoints", "default", "web"), stage);
        add(all, apiserver, "get", res("", "namespaces", "kube-system", "kube-system"), stage);
        add(all, kcm, "create", res("authorization.k8s.io", "subjectaccessreviews", "", ""), stage);
        // Probes and discovery.
        addPath(all, anonymous, "get", "/healthz", stage);
        addPath(all, anonymous, "get", "/readyz?verbose", stage);
        addPath(all, anonymous, "get", "/livez", stage);
        addPath(all, alice, "get", "/apis", stage);
        addPath(all, alice, "get", "/openapi/v3/apis/apps/v1?hash=ABC", stage);
        addPath(all, alice, "get", "/version?timeout=32s", stage);
        // People changing things.
        if (i % 3 == 0) {
          add(all, alice, "get", res("", "pods", "default", "web-1"), stage);
          add(all, alice, "create", res("apps", "deployments", "default", ""), stage);
          add(
              all,
              alice,
              "patch",
              res("networking.k8s.io", "networkpolicies", "default", "deny"),
              stage);
          add(all, alice, "create", sub("", "pods", "exec", "default", "web-1"), stage);
          add(all, alice, "delete", res("", "pods", "default", "web-2"), stage);
          add(
              all,
              alice,
              "update",
              res("rbac.authorization.k8s.io", "rolebindings", "dev", "view"),
              stage);
        }
      }
      Collections.shuffle(all, random);
      return all.subList(0, count).toArray(AuditEvent[]::new);
    }

    private static Optional<ObjectReference> res(
        String group, String resource, String ns, String name) {
      return Optional.of(ObjectReference.of(group, resource, ns, name));
    }

    private static Optional<ObjectReference> sub(
        String group, String resource, String subresource, String ns, String name) {
      return Optional.of(new ObjectReference(resource, ns, name, "", group, "v1", "", subresource));
    }

    private static void add(
        List<AuditEvent> all,
        UserInfo user,
        String verb,
        Optional<ObjectReference> ref,
        Stage stage) {
      all.add(event(user, verb, ref, "/api", stage));
    }

    private static void addPath(
        List<AuditEvent> all, UserInfo user, String verb, String uri, Stage stage) {
      all.add(event(user, verb, Optional.empty(), uri, stage));
    }

    private static AuditEvent event(
        UserInfo user, String verb, Optional<ObjectReference> ref, String uri, Stage stage) {
      return new AuditEvent(
          Level.Metadata,
          "id",
          stage,
          uri,
          verb,
          Optional.of(user),
          Optional.empty(),
          List.of("10.0.0.1"),
          "bench",
          ref,
          OptionalInt.of(200),
          "",
          T,
          T,
          Map.of(),
          JSON);
    }
  }
}
