package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.util.Objects;

/**
 * YAML as {@code kubectl get -o yaml} prints it, so that states, events, reports and diffs read
 * alike: no document start marker, block style, quotes only where a plain scalar would read back as
 * another type (strings that look like numbers, booleans or null keep theirs), multi-line strings
 * as literal blocks. The one writer of such YAML: every command and the server use it.
 */
public final class KubectlYaml {
  private KubectlYaml() {}

  /** The JSON value as one YAML document, ending in a line break. */
  public static String write(JsonNode value) {
    StringBuilder out = new StringBuilder(256);
    YamlEmitter.document(Objects.requireNonNull(value, "value"), out);
    return out.toString();
  }

  /**
   * Writes one document of a stream: {@code ---} before every document but the first. Does not
   * close {@code out}.
   */
  public static void writeDocument(Writer out, JsonNode document, boolean first)
      throws IOException {
    if (!first) {
      out.write("---\n");
    }
    out.write(write(document));
  }
}
