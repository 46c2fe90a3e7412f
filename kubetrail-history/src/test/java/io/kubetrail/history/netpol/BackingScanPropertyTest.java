package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Reading what an Endpoints or EndpointSlice backs by scanning against reading its tree, on random
 * bodies: targetRefs of every kind and type, escapes in keys and strings, duplicate, missing and
 * null fields, objects where arrays are expected, whitespace. Both must give the same Service and
 * pods.
 */
class BackingScanPropertyTest {
  private static final ResourceKey ENDPOINTS = ResourceKey.parse("endpoints/ns/web");
  private static final ResourceKey SLICE =
      ResourceKey.parse("endpointslices.discovery.k8s.io/ns/web-x1");

  @Property(tries = 3000)
  void scanningReadsWhatTheTreeReads(@ForAll long seed) {
    Random random = new Random(seed);
    boolean slice = random.nextBoolean();
    String body = slice ? slice(random) : endpoints(random);
    LiveObject o =
        LiveObject.of(
            slice ? SLICE : ENDPOINTS, Instant.EPOCH, body.getBytes(StandardCharsets.UTF_8));

    assertThat(Backing.read(o)).as("%s", body).isEqualTo(Backing.parse(o));
  }

  @Property(tries = 200)
  void theScanAnswersForBodiesAsTheApiServerWritesThem(@ForAll long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder("{\"kind\":\"Endpoints\",\"subsets\":[{\"addresses\":[");
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? "," : "")
          .append("{\"ip\":\"10.0.0.")
          .append(i)
          .append("\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"p")
          .append(random.nextInt(9))
          .append("\",\"namespace\":\"ns\"}}");
    }
    byte[] json = sb.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);

    // Answered by the scan itself, not by falling back to the tree.
    assertThat(BackingScan.read(ENDPOINTS, json))
        .isEqualTo(Backing.parse(LiveObject.of(ENDPOINTS, Instant.EPOCH, json)));
  }

  private static String endpoints(Random random) {
    StringBuilder sb = new StringBuilder("{");
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String field = pick(random, "subsets", "subsets", "metadata", "kind", "s\\u0075bsets");
      String value =
          field.startsWith("s")
              ? maybeOdd(random, list(random, BackingScanPropertyTest::subset))
              : pick(random, "{\"name\": \"web\"}", "\"Endpoints\"", "[1, {\"a\": \"]\"}]");
      member(random, sb, i == 0, field, value);
    }
    return sb.append('}').toString();
  }

  private static String subset(Random random) {
    StringBuilder sb = new StringBuilder("{");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String field = pick(random, "addresses", "notReadyAddresses", "ports", "addr\\u0065sses");
      member(
          random,
          sb,
          i == 0,
          field,
          maybeOdd(random, list(random, BackingScanPropertyTest::address)));
    }
    return sb.append('}').toString();
  }

  private static String slice(Random random) {
    StringBuilder sb = new StringBuilder("{");
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String field = pick(random, "metadata", "endpoints", "endpoints", "metadata", "kind");
      String value =
          switch (field) {
            case "metadata" -> maybeOdd(random, metadata(random));
            case "endpoints" -> maybeOdd(random, list(random, BackingScanPropertyTest::address));
            default -> "\"EndpointSlice\"";
          };
      member(random, sb, i == 0, field, value);
    }
    return sb.append('}').toString();
  }

  private static String metadata(Random random) {
    StringBuilder sb = new StringBuilder("{\"name\": \"web-x1\"");
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String labels =
          "{\"app\": \"web\", \""
              + pick(
                  random,
                  "kubernetes.io/service-name",
                  "kubernetes.io/service-name",
                  "kubernetes.io\\/service-name",
                  "other")
              + "\": "
              + maybeOdd(random, pick(random, "\"web\"", "\"\"", "\"w\\\"b\"", "\"日本\""))
              + "}";
      member(random, sb, false, pick(random, "labels", "annotations"), maybeOdd(random, labels));
    }
    return sb.append('}').toString();
  }

  private static String address(Random random) {
    StringBuilder sb = new StringBuilder("{\"ip\": \"10.0.0.1\"");
    if (random.nextInt(6) > 0) {
      StringBuilder ref = new StringBuilder("{");
      int n = random.nextInt(5);
      for (int i = 0; i < n; i++) {
        String field = pick(random, "kind", "name", "namespace", "name", "uid", "n\\u0061me");
        String value =
            switch (field) {
              case "kind" -> pick(random, "\"Pod\"", "\"Pod\"", "\"Node\"", "\"P\\u006fd\"");
              case "namespace" -> pick(random, "\"ns\"", "\"other\"", "\"\"");
              default -> pick(random, "\"p1\"", "\"p2\"", "\"\"", "\"p\\\\3\"");
            };
        member(random, ref, i == 0, field, maybeOdd(random, value));
      }
      member(random, sb, false, "targetRef", maybeOdd(random, ref.append('}').toString()));
    }
    return sb.append('}').toString();
  }

  private interface Gen {
    String make(Random random);
  }

  private static String list(Random random, Gen element) {
    StringBuilder sb = new StringBuilder("[");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? "," + space(random) : "").append(element.make(random));
    }
    return sb.append(']').toString();
  }

  /** Now and then a value of another type than expected. */
  private static String maybeOdd(Random random, String value) {
    return random.nextInt(12) == 0
        ? pick(random, "null", "7", "true", "\"x\"", "{}", "[]", "{\"a\": [\"}\"]}")
        : value;
  }

  private static void member(Random random, StringBuilder sb, boolean first, String k, String v) {
    sb.append(first ? "" : ",").append(space(random)).append('"').append(k).append("\":");
    sb.append(space(random)).append(v);
  }

  private static String space(Random random) {
    return pick(random, "", "", " ", "\n  ");
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... from) {
    return from[random.nextInt(from.length)];
  }
}
