package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The scan replay reads {@code responseObject} with against the streaming parser it replaces, on
 * random events: any nesting, whitespace, escapes in strings and keys, odd types where strings are
 * expected, duplicate keys, lists with items. All randomness comes from the seed jqwik prints.
 */
class JsonScanPropertyTest {
  private static final String[] KEYS = {
    "kind", "apiVersion", "metadata", "items", "name", "generateName", "namespace",
    "resourceVersion", "uid", "deletionTimestamp", "labels", "spec", "status", "responseObject",
    "requestObject", "x"
  };

  @Property(tries = 2000)
  void scanningFindsWhatTheParserFinds(@ForAll long seed) {
    Random random = new Random(seed);
    String event = event(random);
    byte[] json = event.getBytes(StandardCharsets.UTF_8);

    assertThat(K8sJson.responseObject(json))
        .as("%s", event)
        .isEqualTo(K8sJson.topLevelObjectByTokens(json, "responseObject"));
  }

  /**
   * Stepping over strings eight bytes at a time against a byte at a time: quotes, backslashes and
   * bytes that differ from them by one bit, at every offset, in buffers longer than the JSON.
   */
  @Property(tries = 3000)
  void skippingAStringAgreesWithByteByByte(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] b = new byte[1 + random.nextInt(40)];
    byte[] alphabet = {'"', '\\', 'a', '#', (byte) ('"' ^ 0x80), '\\' ^ 1, '"' - 1, 0, (byte) 0xe6};
    for (int k = 0; k < b.length; k++) {
      b[k] =
          random.nextInt(6) == 0
              ? alphabet[random.nextInt(2)]
              : alphabet[2 + random.nextInt(alphabet.length - 2)];
    }
    int start = random.nextInt(b.length);
    b[start] = '"';
    int end = start + 1 + random.nextInt(b.length - start);

    assertThat(outcome(() -> JsonScan.skipString(b, start, end)))
        .as("%s from %d to %d", java.util.Arrays.toString(b), start, end)
        .isEqualTo(outcome(() -> JsonScan.skipStringByBytes(b, start, end)));
  }

  private static Object outcome(java.util.function.IntSupplier skip) {
    try {
      return skip.getAsInt();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String event(Random random) {
    StringBuilder sb = new StringBuilder();
    space(random, sb);
    sb.append('{');
    int fields = random.nextInt(6);
    boolean first = true;
    for (int f = 0; f < fields; f++) {
      first = member(random, sb, first, pick(random, KEYS), value(random, 3));
    }
    if (random.nextInt(5) > 0) {
      first = member(random, sb, first, "responseObject", object(random, 4));
    }
    if (random.nextInt(4) == 0) {
      member(random, sb, first, "responseObject", value(random, 2));
    }
    sb.append('}');
    space(random, sb);
    return sb.toString();
  }

  /** A Kubernetes-like object, or a List of them. */
  private static String object(Random random, int depth) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    first =
        member(
            random, sb, first, "kind", random.nextInt(5) == 0 ? value(random, 1) : string(random));
    first = member(random, sb, first, "apiVersion", string(random));
    if (random.nextInt(4) > 0) {
      first = member(random, sb, first, "metadata", metadata(random));
    }
    if (depth > 0 && random.nextInt(3) == 0) {
      StringBuilder items = new StringBuilder("[");
      int n = random.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          items.append(',');
          space(random, items);
        }
        items.append(random.nextInt(4) == 0 ? value(random, 1) : object(random, depth - 1));
      }
      first = member(random, sb, first, "items", items.append(']').toString());
    }
    int extra = random.nextInt(4);
    for (int i = 0; i < extra; i++) {
      first = member(random, sb, first, pick(random, KEYS), value(random, depth));
    }
    return sb.append('}').toString();
  }

  private static String metadata(Random random) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    int n = 1 + random.nextInt(7);
    for (int i = 0; i < n; i++) {
      String key = pick(random, KEYS);
      String value;
      if (key.equals("labels") && random.nextInt(4) > 0) {
        StringBuilder labels = new StringBuilder("{");
        boolean firstLabel = true;
        int k = random.nextInt(4);
        for (int j = 0; j < k; j++) {
          firstLabel =
              member(
                  random,
                  labels,
                  firstLabel,
                  pick(random, "app", "tier", "a/b", "k\\u0041"),
                  string(random));
        }
        value = labels.append('}').toString();
      } else if (key.equals("deletionTimestamp") && random.nextBoolean()) {
        value = "null";
      } else {
        value = random.nextInt(4) == 0 ? value(random, 1) : string(random);
      }
      first = member(random, sb, first, key, value);
    }
    return sb.append('}').toString();
  }

  private static String value(Random random, int depth) {
    int choice = random.nextInt(depth > 0 ? 8 : 5);
    return switch (choice) {
      case 0 -> string(random);
      case 1 -> String.valueOf(random.nextInt(2000) - 1000);
      case 2 -> pick(random, "true", "false", "null", "1.5e3", "-0.25");
      case 3, 4 -> string(random);
      case 5 -> {
        StringBuilder sb = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',');
          }
          space(random, sb);
          sb.append(value(random, depth - 1));
        }
        yield sb.append(']').toString();
      }
      default -> {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          first = member(random, sb, first, pick(random, KEYS), value(random, depth - 1));
        }
        yield sb.append('}').toString();
      }
    };
  }

  /** A JSON string, sometimes with escapes, brackets, quotes or non-ASCII text inside. */
  private static String string(Random random) {
    String[] parts = {
      "a", "web", "{", "}", "[", "]", ",", ":", "\\\"", "\\\\", "\\n", "\\u0041", "é", "日本", " "
    };
    StringBuilder sb = new StringBuilder("\"");
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      sb.append(pick(random, parts));
    }
    return sb.append('"').toString();
  }

  /** Appends {@code "key": value}, the key sometimes escaped. */
  private static boolean member(
      Random random, StringBuilder sb, boolean first, String key, String value) {
    if (!first) {
      sb.append(',');
    }
    space(random, sb);
    String written = key;
    if (random.nextInt(40) == 0 && !key.isEmpty()) {
      written = "\\u00" + Integer.toHexString(key.charAt(0)) + key.substring(1);
    }
    sb.append('"').append(written).append('"');
    space(random, sb);
    sb.append(':');
    space(random, sb);
    sb.append(value);
    space(random, sb);
    return false;
  }

  private static void space(Random random, StringBuilder sb) {
    if (random.nextInt(3) == 0) {
      sb.append(pick(random, " ", "\n  ", "\t", "\r\n"));
    }
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... from) {
    return from[random.nextInt(from.length)];
  }
}
