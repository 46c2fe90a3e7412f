package io.kubetrail.history.netpol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.history.LiveObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What evaluation reads of a pod body, its labels and service account, read by streaming: a walk
 * over a month meets a pod's body at each of its status updates, and building the whole tree each
 * time would cost more than the rest of the walk. Stops once {@code metadata} and {@code spec} are
 * read, so {@code status} is not parsed.
 */
final class PodReader {
  private static final JsonFactory FACTORY = new JsonFactory();

  private PodReader() {}

  /**
   * A pod's labels and service account ({@code spec.serviceAccountName}, else the deprecated {@code
   * spec.serviceAccount}, else {@code default}, as the ServiceAccount admission plugin fills it
   * in).
   *
   * @throws NetworkPolicyException when a label value is not a string
   */
  static Fields read(LiveObject pod) throws NetworkPolicyException {
    String object = pod.key().toString();
    Map<String, String> labels = new HashMap<>();
    String account = "";
    String deprecatedAccount = "";
    try (JsonParser p = FACTORY.createParser(pod.json())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new NetworkPolicyException(object, "", "not a JSON object");
      }
      int seen = 0;
      while (seen < 2 && p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          readLabels(p, object, labels);
          seen++;
        } else if (field.equals("spec") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("serviceAccountName") && v == JsonToken.VALUE_STRING) {
              account = p.getText();
            } else if (name.equals("serviceAccount") && v == JsonToken.VALUE_STRING) {
              deprecatedAccount = p.getText();
            } else {
              p.skipChildren();
            }
          }
          seen++;
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new NetworkPolicyException(object, "", "not valid JSON: " + e.getMessage());
    }
    if (account.isEmpty()) {
      account = deprecatedAccount.isEmpty() ? "default" : deprecatedAccount;
    }
    return new Fields(labels, account);
  }

  /** Reads {@code metadata}, keeping its labels; the parser is left at its end. */
  private static void readLabels(JsonParser p, String object, Map<String, String> labels)
      throws IOException, NetworkPolicyException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (!name.equals("labels") || v == JsonToken.VALUE_NULL) {
        p.skipChildren();
        continue;
      }
      if (v != JsonToken.START_OBJECT) {
        throw new NetworkPolicyException(object, "metadata.labels", "not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          p.skipChildren();
          throw new NetworkPolicyException(
              object, "metadata.labels." + key, "not a string: " + p.getText());
        }
        labels.put(key, p.getText());
      }
    }
  }

  /** A pod's labels and service account. */
  record Fields(Map<String, String> labels, String serviceAccount) {
    Fields {
      labels = Map.copyOf(labels);
    }
  }
}
