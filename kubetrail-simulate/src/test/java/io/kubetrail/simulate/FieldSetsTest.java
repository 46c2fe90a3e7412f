package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldSetsTest {

  @Test
  void keyedListsMapsAndAtomicListsAsStructuredMergeDiffWritesThem() {
    var owned =
        Json.obj(
            "metadata",
            Json.obj("labels", Json.obj("app", "web")),
            "spec",
            Json.obj(
                "containers",
                Json.arr(
                    Json.obj(
                        "name",
                        "web",
                        "ports",
                        Json.arr(Json.obj("containerPort", 80, "protocol", "TCP")))),
                "ingress",
                Json.arr(Json.obj("from", Json.arr())),
                "podSelector",
                Json.obj()));
    assertThat(Json.write(FieldSets.of(owned)))
        .isEqualTo(
            "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},"
                + "\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
                + "{\".\":{},\"f:containerPort\":{},\"f:protocol\":{}}}}},"
                + "\"f:ingress\":{},\"f:podSelector\":{}}}");
  }
}
