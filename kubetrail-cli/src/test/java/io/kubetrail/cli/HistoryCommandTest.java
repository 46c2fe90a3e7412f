package io.kubetrail.cli;

import static io.kubetrail.cli.StateCommandTest.event;
import static io.kubetrail.cli.StateCommandTest.object;
import static io.kubetrail.cli.StateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void fill() throws IOException {
    ObjectNode v2 = object("v1", "ConfigMap", "app", "cfg", 2);
    v2.putObject("data").put("mode", "strict");
    ObjectNode v3 = v2.deepCopy();
    ((ObjectNode) v3.get("metadata")).put("resourceVersion", "3");
    ObjectNode tried = v2.deepCopy();
    ((ObjectNode) tried.get("data")).put("mode", "open");
    StateCommandTest.store(
        dir,
        "default",
        List.of(
            event(
                "create",
                "",
                "configmaps",
                "app",
                "cfg",
                1,
                201,
                "",
                "alice",
                object("v1", "ConfigMap", "app", "cfg", 1)),
            event("update", "", "configmaps", "app", "cfg", 2, 200, "", "alice", v2),
            event("patch", "", "configmaps", "app", "cfg", 3, 403, "", "mallory", null),
            event("patch", "", "configmaps", "app", "cfg", 4, 200, "dryRun=All", "mallory", tried),
            event("update", "", "configmaps", "app", "cfg", 5, 200, "", "bot", v3),
            event("delete", "", "configmaps", "app", "cfg", 6, 200, "", "alice", null),
            event(
                "create",
                "",
                "configmaps",
                "app",
                "other",
                7,
                201,
                "",
                "alice",
                object("v1", "ConfigMap", "app", "other", 7))));
  }

  @Test
  void textListsEveryRevisionWithMarksAndDiffs() {
    Run r = run("history", "--store", dir.toString(), "configmaps/app/cfg");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "2024-05-01T10:00:01Z  create  alice  code=201  rv=1  auditID=create-configmaps-cfg-1  changed")
        .contains("update  alice  code=200  rv=2")
        .contains("+  mode: strict")
        .contains("patch  mallory  code=403  rv=-  auditID=patch-configmaps-cfg-3  failed")
        .contains("patch  mallory  code=200  rv=2  auditID=patch-configmaps-cfg-4  dry-run")
        .contains("+  mode: open")
        .contains("update  bot  code=200  rv=3  auditID=update-configmaps-cfg-5  no-op change")
        .contains("delete  alice  code=200  rv=-  auditID=delete-configmaps-cfg-6  changed")
        .doesNotContain("other")
        .doesNotContain("change, ");
  }

  @Test
  void jsonHasOneEntryPerRevision() throws IOException {
    Run r = run("history", "--store", dir.toString(), "configmaps/app/cfg", "-o", "json");
    JsonNode root = StateCommandTest.JSON.readTree(r.out());
    assertThat(root.get("object").asText()).isEqualTo("configmaps/app/cfg");
    List<String> outcomes = root.get("revisions").findValuesAsText("outcome");
    assertThat(outcomes)
        .containsExactly("change", "change", "failed", "dry-run", "change", "change");
    assertThat(root.get("revisions").findValues("changed"))
        .extracting(JsonNode::asBoolean)
        .containsExactly(true, true, false, false, false, true);
    assertThat(root.at("/revisions/5/diff").asText()).contains("+++ /dev/null");
  }

  @Test
  void lastShowsTheNewestRevisionsDiffedAgainstTheirPredecessors() throws IOException {
    Run text = run("history", "--store", dir.toString(), "configmaps/app/cfg", "--last", "2");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .startsWith("(the newest 2 of 6 revisions)")
        .contains("auditID=update-configmaps-cfg-5  no-op change")
        .contains("auditID=delete-configmaps-cfg-6  changed")
        .contains("-  mode: strict")
        .doesNotContain("auditID=patch-configmaps-cfg-4");

    Run json =
        run(
            "history",
            "--store",
            dir.toString(),
            "configmaps/app/cfg",
            "--last",
            "9",
            "-o",
            "json");
    JsonNode root = StateCommandTest.JSON.readTree(json.out());
    assertThat(root.get("revisionsTotal").asInt()).isEqualTo(6);
    assertThat(root.get("revisions")).hasSize(6);

    Run zero = run("history", "--store", dir.toString(), "configmaps/app/cfg", "--last", "0");
    assertThat(zero.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(zero.err()).contains("--last must be at least 1, got 0");
  }

  @Test
  void badObjectNamesAreUsageErrors() {
    Run r = run("history", "--store", dir.toString(), "configmaps");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("RESOURCE/NAMESPACE/NAME");
    Run none = run("history", "--store", dir.toString(), "pods/app/nothing");
    assertThat(none.code()).isZero();
    assertThat(none.err()).contains("no writes to pods/app/nothing");
  }

  @Test
  void aPluralAloneFindsTheObjectsApiGroupOrAsksForOne() throws IOException {
    Path other = dir.resolve("groups");
    StateCommandTest.store(
        other,
        "default",
        List.of(
            event(
                "create",
                "networking.k8s.io",
                "networkpolicies",
                "payments",
                "deny",
                1,
                201,
                "",
                "alice",
                object("networking.k8s.io/v1", "NetworkPolicy", "payments", "deny", 1)),
            event(
                "create",
                "networking.k8s.io",
                "networkpolicies",
                "payments",
                "both",
                2,
                201,
                "",
                "alice",
                object("networking.k8s.io/v1", "NetworkPolicy", "payments", "both", 2)),
            event(
                "create",
                "crd.projectcalico.org",
                "networkpolicies",
                "payments",
                "both",
                3,
                201,
                "",
                "bob",
                object("crd.projectcalico.org/v1", "NetworkPolicy", "payments", "both", 3))));

    Run one = run("history", "--store", other.toString(), "networkpolicies/payments/deny");
    assertThat(one.code()).as(one.err()).isZero();
    assertThat(one.out()).contains("create  alice  code=201  rv=1");

    Run json =
        run("history", "--store", other.toString(), "networkpolicies/payments/deny", "-o", "json");
    assertThat(StateCommandTest.JSON.readTree(json.out()).get("object").asText())
        .isEqualTo("networkpolicies.networking.k8s.io/payments/deny");

    Run both = run("history", "--store", other.toString(), "networkpolicies/payments/both");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err())
        .contains("networkpolicies/payments/both is ambiguous")
        .contains("  networkpolicies.crd.projectcalico.org/payments/both")
        .contains("  networkpolicies.networking.k8s.io/payments/both");

    Run named =
        run(
            "history",
            "--store",
            other.toString(),
            "networkpolicies.crd.projectcalico.org/payments/both");
    assertThat(named.code()).isZero();
    assertThat(named.out()).contains("create  bob").doesNotContain("alice");
  }

  /**
   * kube-apiserver serves networkpolicies under extensions and networking.k8s.io from one storage:
   * writes through both are one object's revisions, whichever group the argument names.
   */
  @Test
  void writesThroughEitherGroupOfAnAliasedResourceAreOneObject() throws IOException {
    Path other = dir.resolve("aliases");
    StateCommandTest.store(
        other,
        "default",
        List.of(
            event(
                "create",
                "extensions",
                "networkpolicies",
                "payments",
                "np",
                1,
                201,
                "",
                "alice",
                object("extensions/v1beta1", "NetworkPolicy", "payments", "np", 1)),
            event(
                "update",
                "networking.k8s.io",
                "networkpolicies",
                "payments",
                "np",
                2,
                200,
                "",
                "bob",
                object("networking.k8s.io/v1", "NetworkPolicy", "payments", "np", 2)),
            event(
                "delete",
                "extensions",
                "networkpolicies",
                "payments",
                "np",
                3,
                200,
                "",
                "carol",
                null)));

    for (String arg :
        List.of(
            "networkpolicies/payments/np",
            "networkpolicies.extensions/payments/np",
            "networkpolicies.networking.k8s.io/payments/np")) {
      Run r = run("history", "--store", other.toString(), arg, "-o", "json");
      assertThat(r.code()).as(arg + ": " + r.err()).isZero();
      JsonNode root = StateCommandTest.JSON.readTree(r.out());
      assertThat(root.get("object").asText())
          .as(arg)
          .isEqualTo("networkpolicies.networking.k8s.io/payments/np");
      assertThat(root.get("revisions").findValuesAsText("user"))
          .as(arg)
          .containsExactly("alice", "bob", "carol");
    }

    Run live = run("state", "--store", other.toString(), "--at", "2024-05-01T10:00:02Z");
    assertThat(live.code()).as(live.err()).isZero();
    assertThat(StateCommandTest.JSON.readTree(live.out()).at("/objects/networkpolicies"))
        .hasSize(1);
    // Created through one group, deleted through the other: gone.
    Run gone = run("state", "--store", other.toString(), "--at", "2024-05-01T10:00:03Z");
    assertThat(gone.code()).as(gone.err()).isZero();
    assertThat(StateCommandTest.JSON.readTree(gone.out()).at("/objects").has("networkpolicies"))
        .isFalse();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StateCommandTest.Run r = StateCommandTest.run(args);
    return new Run(r.code(), r.out(), r.err());
  }
}
