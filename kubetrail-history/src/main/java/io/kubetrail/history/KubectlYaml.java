package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Writer;

/** YAML as {@code kubectl get -o yaml} prints it, so that states and diffs read alike. */
public final class KubectlYaml {
  private KubectlYaml() {}

  /**
   * A new mapper: no document start marker, quotes only where needed, numeric strings quoted. For
   * documents written through a generator (reports); objects are written by {@link #writeDocument}.
   */
  public static YAMLMapper mapper() {
    return new YAMLMapper(
        YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());
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
    out.write(ObjectYaml.write(document));
  }
}
