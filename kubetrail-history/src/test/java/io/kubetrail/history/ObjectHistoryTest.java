package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectHistoryTest {
  private static final ResourceKey WEB = ResourceKey.parse("pods/app/web");

  @Test
  void listsEveryWriteWithOutcomeChangeAndDiff() {
    ObjectNode v1 = pod("app", "web", 10);
    v1.withObjectProperty("metadata")
        .putArray("managedFields")
        .addObject()
        .put("manager", "kubectl");
    ObjectNode v2 = pod("app", "web", 11);
    v2.withObjectProperty("metadata").putObject("labels").put("tier", "front");
    ObjectNode tried = v2.deepCopy();
    tried.withObjectProperty("metadata").put("resourceVersion", "11");
    ((ObjectNode) tried.withObjectProperty("spec").withArray("containers").get(0))
        .put("image", "evil:latest");
    ObjectNode v3 = v2.deepCopy();
    v3.withObjectProperty("metadata").put("resourceVersion", "12").put("generation", 2);
    v3.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("lastProbeTime", "2024-05-01T10:00:09Z");
    ObjectNode v4 = v3.deepCopy();
    v4.withObjectProperty("metadata").put("resourceVersion", "13");
    ((ObjectNode) v4.withObjectProperty("status").withArray("conditions").get(0))
        .put("lastProbeTime", "2024-05-01T10:00:19Z");

    List<AuditEvent> events =
        List.of(
            event("create", "", "pods", "app", "web")
                .auditID("a1")
                .stage(Stage.RequestReceived)
                .at(1)
                .build(),
            event("create", "", "pods", "app", "web")
                .auditID("a1")
                .at(1)
                .response(v1)
                .user("alice")
                .build(),
            event("get", "", "pods", "app", "web").at(2).response(v1).build(),
            event("update", "", "pods", "app", "web")
                .auditID("a2")
                .at(3)
                .code(409)
                .user("bob")
                .build(),
            event("patch", "", "pods", "app", "web")
                .auditID("a3")
                .at(4)
                .response(v2)
                .user("alice")
                .build(),
            event("patch", "", "pods", "app", "web")
                .auditID("a4")
                .at(5)
                .query("dryRun=All")
                .response(tried)
                .user("mallory")
                .build(),
            event("update", "", "pods", "app", "web")
                .auditID("a5")
                .subresource("status")
                .at(9)
                .response(v3)
                .user("kubelet")
                .build(),
            event("update", "", "pods", "app", "web")
                .auditID("a6")
                .subresource("status")
                .at(19)
                .response(v4)
                .user("kubelet")
                .build(),
            event("delete", "", "pods", "app", "web")
                .auditID("a7")
                .at(20)
                .code(403)
                .user("mallory")
                .build(),
            event("delete", "", "pods", "app", "web")
                .auditID("a8")
                .at(21)
                .response(Events.status())
                .user("alice")
                .build());

    List<Revision> revs = ObjectHistory.revisions(WEB, events);

    assertThat(revs)
        .extracting(Revision::auditID)
        .containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8");
    assertThat(revs)
        .extracting(Revision::kind)
        .containsExactly(
            EventKind.CHANGE,
            EventKind.FAILED,
            EventKind.CHANGE,
            EventKind.DRY_RUN,
            EventKind.CHANGE,
            EventKind.CHANGE,
            EventKind.FAILED,
            EventKind.CHANGE);
    assertThat(revs)
        .extracting(Revision::changed)
        .containsExactly(true, false, true, false, true, false, false, true);
    assertThat(revs)
        .extracting(Revision::responseCode)
        .containsExactly(201, 409, 200, 200, 200, 200, 403, 200);
    assertThat(revs)
        .extracting(Revision::user)
        .containsExactly(
            "alice", "bob", "alice", "mallory", "kubelet", "kubelet", "mallory", "alice");
    assertThat(revs)
        .extracting(Revision::resourceVersion)
        .containsExactly("10", "", "11", "11", "12", "13", "", "");
    assertThat(revs.get(4).subresource()).isEqualTo("status");

    Revision created = revs.get(0);
    assertThat(created.diff())
        .startsWith("--- /dev/null\n+++ pods/app/web@10\n")
        .contains("+  name: web")
        .doesNotContain("managedFields");
    assertThat(revs.get(1).diff()).isEmpty();
    assertThat(revs.get(1).note()).contains("failed");
    // Diffs are quiet by default: bookkeeping that moves on every write is left out.
    assertThat(revs.get(2).diff()).contains("+    tier: front").doesNotContain("resourceVersion");
    assertThat(revs.get(3).diff())
        .contains("+    image: evil:latest")
        .contains("-    image: nginx");
    assertThat(revs.get(3).note()).contains("dry run");
    assertThat(revs.get(5).diff()).as("a no-op change has nothing to show").isEmpty();
    assertThat(revs.get(7).diff()).startsWith("--- pods/app/web@13\n+++ /dev/null\n");

    List<Revision> full = ObjectHistory.revisions(WEB, events, DiffView.FULL);
    assertThat(full.get(2).diff())
        .contains("-  resourceVersion: \"10\"", "+  resourceVersion: \"11\"", "+    tier: front");
    assertThat(full.get(5).diff()).contains("lastProbeTime");
    assertThat(full)
        .extracting(Revision::changed)
        .isEqualTo(revs.stream().map(Revision::changed).toList());
  }

  @Test
  void normalisingDropsOnlyWhatMovesWithoutMeaning() {
    ObjectNode a = pod("app", "web", 10);
    a.withObjectProperty("metadata")
        .put("generation", 1)
        .putObject("annotations")
        .put("lastRestartTime", "x");
    a.putObject("status").put("startTime", "t1");
    ObjectNode b = a.deepCopy();
    b.withObjectProperty("metadata").put("resourceVersion", "11").put("generation", 2);
    b.withObjectProperty("status").put("startTime", "t2");
    assertThat(Yaml.normalise(a)).isEqualTo(Yaml.normalise(b));

    ObjectNode c = b.deepCopy();
    c.withObjectProperty("metadata").withObjectProperty("annotations").put("lastRestartTime", "y");
    assertThat(Yaml.normalise(a)).isNotEqualTo(Yaml.normalise(c));
    ObjectNode d = b.deepCopy();
    d.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T10:00:00Z");
    assertThat(Yaml.normalise(a)).isNotEqualTo(Yaml.normalise(d));
  }
}
