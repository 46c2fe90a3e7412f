package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario the simulator promises shows up in an hour of cluster time. */
class ScenarioCoverageTest {
  private static List<JsonNode> events;

  record Scenario(String name, Predicate<JsonNode> matches) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void run() {
    events = Runs.parse(Runs.lines(2026, 20_000));
  }

  private static boolean complete(JsonNode e) {
    return e.path("stage").asText().equals("ResponseComplete");
  }

  private static boolean is(JsonNode e, String verb, String resource, String subresource) {
    JsonNode ref = e.path("objectRef");
    return complete(e)
        && e.path("verb").asText().equals(verb)
        && ref.path("resource").asText().equals(resource)
        && ref.path("subresource").asText().equals(subresource);
  }

  private static int code(JsonNode e) {
    return e.path("responseStatus").path("code").asInt();
  }

  private static String user(JsonNode e) {
    return e.path("user").path("username").asText();
  }

  private static String responseKind(JsonNode e) {
    return e.path("responseObject").path("kind").asText();
  }

  private static String query(JsonNode e) {
    String uri = e.path("requestURI").asText();
    return uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "replicaset controller creates a pod by generateName",
            e ->
                is(e, "create", "pods", "")
                    && user(e).endsWith(":replicaset-controller")
                    && !e.path("objectRef").has("name")
                    && e.path("requestObject").path("metadata").has("generateName")
                    && !e.path("requestObject").path("metadata").has("name")
                    && e.path("responseObject")
                        .path("metadata")
                        .path("name")
                        .asText()
                        .startsWith(
                            e.path("responseObject")
                                .path("metadata")
                                .path("generateName")
                                .asText())),
        new Scenario(
            "scheduler binds a pod, answered with a Status",
            e ->
                is(e, "create", "pods", "binding")
                    && user(e).equals("system:kube-scheduler")
                    && e.path("requestObject").path("kind").asText().equals("Binding")
                    && responseKind(e).equals("Status")),
        new Scenario(
            "kubelet patches pod status with a strategic-merge patch",
            e ->
                is(e, "patch", "pods", "status")
                    && user(e).startsWith("system:node:")
                    && e.path("requestObject").path("status").has("$setElementOrder/conditions")
                    && responseKind(e).equals("Pod")),
        new Scenario(
            "graceful pod delete answers with the pod, deletionTimestamp set",
            e ->
                is(e, "delete", "pods", "")
                    && responseKind(e).equals("Pod")
                    && e.path("responseObject").path("metadata").has("deletionTimestamp")
                    && e.path("responseObject")
                            .path("metadata")
                            .path("deletionGracePeriodSeconds")
                            .asInt()
                        == 30),
        new Scenario(
            "kubelet's final delete answers with the pod",
            e ->
                is(e, "delete", "pods", "")
                    && user(e).startsWith("system:node:")
                    && e.path("requestObject").path("gracePeriodSeconds").asInt(-1) == 0
                    && responseKind(e).equals("Pod")),
        new Scenario(
            "kubelet's final delete answers with a Status",
            e ->
                is(e, "delete", "pods", "")
                    && user(e).startsWith("system:node:")
                    && responseKind(e).equals("Status")
                    && e.path("responseObject")
                        .path("details")
                        .path("kind")
                        .asText()
                        .equals("pods")),
        new Scenario(
            "an eviction is answered with a Status",
            e -> is(e, "create", "pods", "eviction") && responseKind(e).equals("Status")),
        new Scenario(
            "endpoints controller updates Endpoints",
            e ->
                is(e, "update", "endpoints", "")
                    && user(e).endsWith(":endpoint-controller")
                    && responseKind(e).equals("Endpoints")),
        new Scenario(
            "a NetworkPolicy is created",
            e ->
                is(e, "create", "networkpolicies", "")
                    && code(e) == 201
                    && query(e).indexOf("dryRun") < 0),
        new Scenario(
            "a NetworkPolicy gets a JSON patch (an array)",
            e ->
                is(e, "patch", "networkpolicies", "")
                    && e.path("requestObject").isArray()
                    && code(e) == 200),
        new Scenario(
            "a NetworkPolicy gets a strategic-merge or merge patch (an object)",
            e ->
                is(e, "patch", "networkpolicies", "")
                    && e.path("requestObject").isObject()
                    && query(e).contains("fieldManager=kubectl-patch")
                    && code(e) == 200),
        new Scenario(
            "a NetworkPolicy is server-side applied (fieldManager and force in the URI)",
            e ->
                is(e, "patch", "networkpolicies", "")
                    && query(e).contains("fieldManager=")
                    && query(e).contains("force=")
                    && e.path("requestObject").path("kind").asText().equals("NetworkPolicy")),
        new Scenario(
            "a NetworkPolicy is updated",
            e -> is(e, "update", "networkpolicies", "") && code(e) == 200),
        new Scenario(
            "a NetworkPolicy is deleted, answered with a Status",
            e ->
                is(e, "delete", "networkpolicies", "")
                    && code(e) == 200
                    && responseKind(e).equals("Status")),
        new Scenario(
            "a change is forbidden (403, decision forbid)",
            e ->
                complete(e)
                    && code(e) == 403
                    && e.path("annotations")
                        .path("authorization.k8s.io/decision")
                        .asText()
                        .equals("forbid")
                    && e.path("responseObject").path("reason").asText().equals("Forbidden")),
        new Scenario(
            "an update with a stale resourceVersion conflicts (409)",
            e ->
                is(e, "update", "networkpolicies", "")
                    && code(e) == 409
                    && e.path("responseStatus").path("reason").asText().equals("Conflict")),
        new Scenario(
            "an invalid object is refused (422)",
            e ->
                complete(e)
                    && code(e) == 422
                    && e.path("responseStatus").path("reason").asText().equals("Invalid")),
        new Scenario(
            "a dry run succeeds",
            e ->
                complete(e)
                    && ApiCall.isWrite(e.path("verb").asText())
                    && query(e).contains("dryRun=All")
                    && code(e) >= 200
                    && code(e) < 300),
        new Scenario(
            "a service account is created",
            e -> is(e, "create", "serviceaccounts", "") && code(e) == 201),
        new Scenario(
            "a service account is deleted, answered with the object",
            e ->
                is(e, "delete", "serviceaccounts", "") && responseKind(e).equals("ServiceAccount")),
        new Scenario(
            "a namespace is created", e -> is(e, "create", "namespaces", "") && code(e) == 201),
        new Scenario(
            "a namespace delete answers with the Namespace, Terminating",
            e ->
                is(e, "delete", "namespaces", "")
                    && !user(e).endsWith(":namespace-controller")
                    && e.path("responseObject")
                        .path("status")
                        .path("phase")
                        .asText()
                        .equals("Terminating")
                    && e.path("objectRef")
                        .path("namespace")
                        .equals(e.path("objectRef").path("name"))),
        new Scenario(
            "the namespace controller empties it with deletecollection",
            e ->
                complete(e)
                    && e.path("verb").asText().equals("deletecollection")
                    && user(e).endsWith(":namespace-controller")),
        new Scenario(
            "the namespace controller removes the namespace",
            e -> is(e, "delete", "namespaces", "") && user(e).endsWith(":namespace-controller")),
        new Scenario(
            "leases are renewed",
            e ->
                is(e, "update", "leases", "")
                    && e.path("objectRef").path("apiGroup").asText().equals("coordination.k8s.io")),
        new Scenario(
            "core events are created", e -> is(e, "create", "events", "") && code(e) == 201),
        new Scenario(
            "objects are read",
            e -> complete(e) && e.path("verb").asText().equals("get") && e.has("objectRef")),
        new Scenario(
            "a read finds nothing (404)",
            e -> complete(e) && e.path("verb").asText().equals("get") && code(e) == 404),
        new Scenario(
            "collections are listed", e -> complete(e) && e.path("verb").asText().equals("list")),
        new Scenario(
            "watches start",
            e ->
                e.path("verb").asText().equals("watch")
                    && e.path("stage").asText().equals("ResponseStarted")),
        new Scenario(
            "/healthz is probed, without objectRef",
            e ->
                complete(e)
                    && e.path("requestURI").asText().equals("/healthz")
                    && !e.has("objectRef")),
        new Scenario(
            "/readyz is probed, without objectRef",
            e ->
                complete(e)
                    && e.path("requestURI").asText().equals("/readyz")
                    && !e.has("objectRef")),
        new Scenario("someone impersonates someone", e -> e.has("impersonatedUser")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void appears(Scenario scenario) {
    assertThat(events.stream().filter(scenario.matches()).findAny())
        .as(scenario.name())
        .isPresent();
  }

  @Test
  void watchesEndWithResponseComplete() {
    Set<String> started = new HashSet<>();
    boolean ended = false;
    for (JsonNode e : events) {
      if (!e.path("verb").asText().equals("watch")) {
        continue;
      }
      String id = e.path("auditID").asText();
      if (e.path("stage").asText().equals("ResponseStarted")) {
        started.add(id);
      } else if (complete(e)) {
        assertThat(started).as("watch %s started before it ended", id).contains(id);
        ended = true;
      }
    }
    assertThat(ended).isTrue();
  }
}
