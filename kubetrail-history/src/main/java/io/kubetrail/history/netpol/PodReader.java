package io.kubetrail.history.netpol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.BodyReading;
import io.kubetrail.history.JsonScan;
import io.kubetrail.history.LiveObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What evaluation reads of a pod body, its labels and service account, found by scanning its bytes
 * ({@link JsonScan}; a parser where the scan cannot answer): a walk over a month meets a pod's body
 * at each of its status updates, and building the whole tree each time would cost more than the
 * rest of the walk. Stops once {@code metadata} and {@code spec} are read, so {@code status} is not
 * looked at.
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
    byte[] json = pod.unsafeJson();
    Optional<Fields> f = scanned(json);
    return f.isPresent() ? f.get() : parse(pod.key().toString(), json);
  }

  /**
   * {@link #read} where scanning the body answers; empty where the parser must (which also names
   * what is wrong). Reads only {@code json}: safe on any thread.
   */
  static Optional<Fields> scanned(byte[] json) {
    try {
      return scan(json);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * {@link #scanned(byte[])} from where replay's scan found the body's labels and spec's members:
   * only the labels are read again.
   */
  static Optional<Fields> scanned(byte[] json, BodyLayout layout, LabelTexts texts) {
    if (!layout.known()) {
      return scanned(json);
    }
    try {
      Map<String, String> labels = Map.of();
      int at = layout.labelsStart();
      if (at >= 0 && json[at] != 'n') {
        Optional<Map<String, String>> read =
            texts.labels(json, at, layout.labelsEnd(), PodReader::readLabels);
        if (read.isEmpty()) {
          return Optional.empty();
        }
        labels = read.get();
      }
      String account = "";
      String deprecatedAccount = "";
      for (int i = 0; i < layout.specMembers(); i++) {
        boolean named = layout.specKeyIs(json, i, ACCOUNT);
        if (!named && !layout.specKeyIs(json, i, DEPRECATED_ACCOUNT)) {
          continue;
        }
        int start = layout.specValueStart(i);
        int end = layout.specValueEnd(i);
        if (json[start] != '"') {
          continue;
        }
        if (JsonScan.escaped(json, start, end)) {
          return Optional.empty();
        }
        String text = JsonScan.stringText(json, start, end);
        if (named) {
          account = text;
        } else {
          deprecatedAccount = text;
        }
      }
      return Optional.of(fields(labels, account, deprecatedAccount));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static final byte[] METADATA = JsonScan.key("metadata");
  private static final byte[] SPEC = JsonScan.key("spec");
  private static final byte[] LABELS = JsonScan.key("labels");
  private static final byte[] ACCOUNT = JsonScan.key("serviceAccountName");
  private static final byte[] DEPRECATED_ACCOUNT = JsonScan.key("serviceAccount");

  /**
   * {@link #parse} by scanning: most of a pod's bytes (managedFields, containers, status) are
   * stepped over, not tokenized. Empty where the scan cannot answer as the parser would (escapes, a
   * label that is not a string), for the caller to parse.
   */
  private static Optional<Fields> scan(byte[] json) {
    int start = JsonScan.skipSpace(json, 0, json.length);
    JsonScan o = new JsonScan(json, start, json.length);
    Map<String, String> labels = new HashMap<>();
    String account = "";
    String deprecatedAccount = "";
    int seen = 0;
    while (seen < 2 && o.next()) {
      if (o.keyEscaped()) {
        return Optional.empty();
      }
      if (o.keyIs(METADATA) && o.valueType() == '{') {
        JsonScan m = new JsonScan(json, o.valueStart(), json.length);
        while (m.next()) {
          if (m.keyEscaped()) {
            return Optional.empty();
          }
          if (!m.keyIs(LABELS) || m.valueType() == 'n') {
            continue;
          }
          int end = readLabels(json, m.valueStart(), labels);
          if (end < 0) {
            return Optional.empty();
          }
          m.skippedTo(end);
        }
        o.skippedTo(m.end());
        seen++;
      } else if (o.keyIs(SPEC) && o.valueType() == '{') {
        JsonScan sp = new JsonScan(json, o.valueStart(), json.length);
        while (sp.next()) {
          if (sp.keyEscaped()) {
            return Optional.empty();
          }
          boolean named = sp.keyIs(ACCOUNT);
          if ((named || sp.keyIs(DEPRECATED_ACCOUNT)) && sp.valueType() == '"') {
            if (sp.valueEscaped()) {
              return Optional.empty();
            }
            if (named) {
              account = sp.text();
            } else {
              deprecatedAccount = sp.text();
            }
          }
        }
        o.skippedTo(sp.end());
        seen++;
      }
    }
    return Optional.of(fields(labels, account, deprecatedAccount));
  }

  /** The labels object at {@code at}; empty where the scan cannot answer. */
  private static Optional<Map<String, String>> readLabels(byte[] json, int at) {
    Map<String, String> labels = new HashMap<>();
    return readLabels(json, at, labels) < 0 ? Optional.empty() : Optional.of(labels);
  }

  /**
   * Reads the labels object at {@code at} into {@code labels}; returns where it ends, or -1 where
   * the scan cannot answer (not an object, escapes, a value not a string).
   */
  private static int readLabels(byte[] json, int at, Map<String, String> labels) {
    if (json[at] != '{') {
      return -1;
    }
    JsonScan l = new JsonScan(json, at, json.length);
    while (l.next()) {
      if (l.keyEscaped() || l.valueType() != '"' || l.valueEscaped()) {
        return -1;
      }
      labels.put(l.keyText(), l.text());
    }
    return l.end();
  }

  private static Fields fields(Map<String, String> labels, String account, String deprecated) {
    if (account.isEmpty()) {
      account = deprecated.isEmpty() ? "default" : deprecated;
    }
    return new Fields(labels, account);
  }

  /** {@link #read} by a streaming parser. */
  static Fields parse(String object, byte[] json) throws NetworkPolicyException {
    Map<String, String> labels = new HashMap<>();
    String account = "";
    String deprecatedAccount = "";
    try (JsonParser p = FACTORY.createParser(json)) {
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
    return fields(labels, account, deprecatedAccount);
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
  record Fields(Map<String, String> labels, String serviceAccount) implements BodyReading {
    Fields {
      labels = Map.copyOf(labels);
    }
  }
}
