package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Reading a pod by scanning against reading it with the parser, on random pod bodies: labels of
 * every type, escapes, duplicate and missing fields, whitespace. Either both give the same labels
 * and service account, or both refuse the pod with the same message.
 */
class PodReaderPropertyTest {
  private static final ResourceKey KEY = ResourceKey.parse("pods/ns/p");

  /** Shared by every try: labels met before are answered from it. */
  private static final LabelTexts TEXTS = new LabelTexts();

  @Property(tries = 2000)
  void scanningReadsWhatTheParserReads(@ForAll long seed) {
    Random random = new Random(seed);
    String pod = pod(random);
    byte[] json = pod.getBytes(StandardCharsets.UTF_8);

    assertThat(outcome(() -> PodReader.read(LiveObject.of(KEY, Instant.EPOCH, json))))
        .as("%s", pod)
        .isEqualTo(outcome(() -> PodReader.parse(KEY.toString(), json)));
  }

  @Property(tries = 2000)
  void readingWhereReplayFoundThePartsReadsWhatTheScanReads(@ForAll long seed) {
    String pod = pod(new Random(seed));
    byte[] json = pod.getBytes(StandardCharsets.UTF_8);

    assertThat(PodReader.scanned(json, BodyLayout.of(json), TEXTS))
        .as("%s", pod)
        .isEqualTo(PodReader.scanned(json));
  }

  private interface Read {
    PodReader.Fields read() throws NetworkPolicyException;
  }

  private static Object outcome(Read read) {
    try {
      return read.read();
    } catch (NetworkPolicyException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static String pod(Random random) {
    StringBuilder sb = new StringBuilder("{");
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      String field = pick(random, "metadata", "spec", "status", "kind", "m\\u0065tadata");
      String value =
          switch (field) {
            case "metadata" -> metadata(random);
            case "spec" -> spec(random);
            default -> pick(random, "{}", "\"Pod\"", "[1, {\"a\": \"}\"}]", "null");
          };
      if (i > 0) {
        sb.append(',');
      }
      sb.append(space(random)).append('"').append(field).append("\":").append(space(random));
      sb.append(value);
    }
    return sb.append('}').toString();
  }

  private static String metadata(Random random) {
    StringBuilder sb = new StringBuilder("{\"name\": \"p\"");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String key = pick(random, "labels", "labels", "annotations", "managedFields", "l\\u0061bels");
      String value =
          key.equals("managedFields")
              ? "[{\"manager\": \"kubelet\", \"fieldsV1\": {\"f:labels\": {\".\": {}}}}]"
              : random.nextInt(6) == 0 ? pick(random, "null", "[]", "\"x\"") : labels(random);
      sb.append(",").append(space(random)).append('"').append(key).append("\": ").append(value);
    }
    return sb.append('}').toString();
  }

  private static String labels(Random random) {
    StringBuilder sb = new StringBuilder("{");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      String value =
          random.nextInt(8) == 0
              ? pick(random, "1", "true", "null", "{\"a\": 1}", "[\"x\"]")
              : pick(random, "\"web\"", "\"a\\\"b\"", "\"日本\"", "\"\"", "\"x\\\\y\"");
      sb.append('"')
          .append(pick(random, "app", "tier", "app", "a/b", "\\u0061pp"))
          .append("\":")
          .append(space(random))
          .append(value);
    }
    return sb.append('}').toString();
  }

  private static String spec(Random random) {
    StringBuilder sb = new StringBuilder("{\"containers\": [{\"name\": \"c\", \"image\": \"i\"}]");
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String key = pick(random, "serviceAccountName", "serviceAccount", "serviceAcc\\u006funtName");
      String value = pick(random, "\"sa\"", "\"\"", "\"s\\\"a\"", "null", "7", "{}");
      sb.append(", \"").append(key).append("\": ").append(value);
    }
    return sb.append('}').toString();
  }

  private static String space(Random random) {
    return pick(random, "", "", " ", "\n  ");
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... from) {
    return from[random.nextInt(from.length)];
  }
}
