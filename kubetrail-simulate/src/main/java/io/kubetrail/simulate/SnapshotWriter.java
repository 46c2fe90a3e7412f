package io.kubetrail.simulate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes objects as {@code kubectl get -o json} prints a listing: a {@code v1} {@code List} with
 * the objects as {@code items} (each with its kind and apiVersion) and an empty list
 * resourceVersion, indented by four spaces.
 */
public final class SnapshotWriter {
  private SnapshotWriter() {}

  /**
   * Writes {@code objects} (full JSON bodies, such as {@link Simulation#liveObjects()}) in their
   * map order to {@code out} as UTF-8, ending with a newline. Does not close {@code out}.
   *
   * @throws IllegalArgumentException if a body is not a JSON object
   */
  public static void write(Map<ObjectKey, String> objects, OutputStream out) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    w.write("{\n    \"apiVersion\": \"v1\",\n    \"items\": [");
    boolean first = true;
    for (Map.Entry<ObjectKey, String> e : objects.entrySet()) {
      JsonNode item = Json.parse(e.getValue());
      if (!item.isObject()) {
        throw new IllegalArgumentException("the body of " + e.getKey() + " is not a JSON object");
      }
      w.write(first ? "\n        " : ",\n        ");
      writeValue(w, item, 2);
      first = false;
    }
    w.write(first ? "],\n" : "\n    ],\n");
    w.write(
        "    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n");
    w.flush();
  }

  /** Go's {@code json.MarshalIndent} layout: empty containers stay on one line. */
  private static void writeValue(Writer w, JsonNode node, int depth) throws IOException {
    if (node.isObject()) {
      if (node.isEmpty()) {
        w.write("{}");
        return;
      }
      w.write('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        newline(w, depth + 1);
        writeString(w, f.getKey());
        w.write(": ");
        writeValue(w, f.getValue(), depth + 1);
        if (fields.hasNext()) {
          w.write(',');
        }
      }
      newline(w, depth);
      w.write('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        w.write("[]");
        return;
      }
      w.write('[');
      for (int i = 0; i < node.size(); i++) {
        newline(w, depth + 1);
        writeValue(w, node.get(i), depth + 1);
        if (i < node.size() - 1) {
          w.write(',');
        }
      }
      newline(w, depth);
      w.write(']');
    } else if (node.isTextual()) {
      writeString(w, node.textValue());
    } else {
      w.write(node.toString());
    }
  }

  private static void newline(Writer w, int depth) throws IOException {
    w.write('\n');
    for (int i = 0; i < depth; i++) {
      w.write("    ");
    }
  }

  private static void writeString(Writer w, String s) throws IOException {
    w.write('"');
    w.write(JsonStringEncoder.getInstance().quoteAsString(s));
    w.write('"');
  }
}
