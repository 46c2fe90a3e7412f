package io.kubetrail.cli;

import static io.kubetrail.cli.StateCommandTest.event;
import static io.kubetrail.cli.StateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCommandTest {
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
  void importIntoADirectoryThatDoesNotExistCreatesTheStore() throws IOException {
    Path fresh = dir.resolve("not-yet");
    Path json = dir.resolve("first.json");
    Files.writeString(
        json,
        """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app", "resourceVersion": "1"}}
        ]}
        """);

    StateCommandTest.Run r =
        run(
            "snapshot",
            "import",
            "--store",
            fresh.toString(),
            "--at",
            "2024-05-01T10:00:00Z",
            json.toString());

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("imported 1 objects");
    StateCommandTest.Run state =
        run("state", "--store", fresh.toString(), "--at", "2024-05-01T11:00:00Z", "-o", "json");
    assertThat(state.out()).contains("\"namespaces\" : [ \"app\" ]");
  }

  @Test
  void importsJsonAndYamlListingsAndReplaysFromThem() throws IOException {
    Path json = dir.resolve("snap.json");
    Files.writeString(
        json,
        """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "old", "namespace": "app", "resourceVersion": "3"}},
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app", "resourceVersion": "1"}},
          {"kind": "Pod"}
        ]}
        """);
    StateCommandTest.Run r =
        run(
            "snapshot",
            "import",
            "--store",
            store.toString(),
            "--at",
            "2024-05-01T10:00:10Z",
            json.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.out()).contains("imported 2 objects");
    assertThat(r.err()).contains("rejected: " + json + ": item 3: no apiVersion");

    Path yaml = dir.resolve("later.yaml");
    Files.writeString(
        yaml,
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ServiceAccount
          metadata: {name: default, namespace: app, resourceVersion: "9"}
        """);
    assertThat(
            run(
                    "snapshot",
                    "import",
                    "--store",
                    store.toString(),
                    "--at",
                    "2024-05-01T10:00:30Z",
                    yaml.toString())
                .code())
        .isZero();

    assertThat(run("state", "--store", store.toString(), "--at", "2024-05-01T10:00:15Z").out())
        .contains("\"pods\" : [ \"app/old\" ]");
    assertThat(run("state", "--store", store.toString(), "--at", "2024-05-01T10:00:25Z").out())
        .doesNotContain("pods")
        .contains("namespaces");
    // The later listing covers serviceaccounts only: the namespace carries over.
    assertThat(run("state", "--store", store.toString(), "--at", "2024-05-01T10:00:35Z").out())
        .contains("serviceaccounts", "namespaces")
        .doesNotContain("pods");
    assertThat(run("snapshot", "list", "--store", store.toString()).out())
        .contains("2024-05-01T10:00:10Z", "2024-05-01T10:00:30Z", json.toString(), yaml.toString());
  }

  @Test
  void importOfAListingWithoutObjectsStoresNothing() throws IOException {
    Path json = dir.resolve("snap.json");
    Files.writeString(
        json,
        """
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}
        """);
    assertThat(
            run("snapshot", "import", "--store", store.toString(), "--at", "10m", json.toString())
                .code())
        .isZero();
    Path empty = dir.resolve("empty.json");
    Files.writeString(
        empty,
        """
        {"apiVersion": "v1", "kind": "List", "items": [{"kind": "Pod"}]}
        """);
    StateCommandTest.Run r =
        run("snapshot", "import", "--store", store.toString(), "--at", "5m", empty.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains("rejected: " + empty + ": item 1")
        .contains("error: " + empty + ": no Kubernetes objects to import (1 items rejected)")
        .contains("nothing was stored");
    Path none = dir.resolve("none.json");
    Files.writeString(none, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}");
    assertThat(
            run("snapshot", "import", "--store", store.toString(), "--at", "5m", none.toString())
                .code())
        .isEqualTo(ExitCodes.USAGE);
    String list = run("snapshot", "list", "--store", store.toString()).out();
    assertThat(list).contains(json.toString()).doesNotContain(empty.toString(), none.toString());
    assertThat(run("state", "--store", store.toString(), "--at", "1m").out())
        .contains("\"namespaces\" : [ \"app\" ]");
  }

  @Test
  void importRefusesWhatIsNotAListing() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"items\": [");
    StateCommandTest.Run r =
        run("snapshot", "import", "--store", store.toString(), "--at", "1h", bad.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("error: " + bad);
    assertThat(
            run(
                    "snapshot",
                    "import",
                    "--store",
                    store.toString(),
                    "--at",
                    "1h",
                    dir.resolve("nope").toString())
                .err())
        .contains("no such file");
  }
}
