package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds {@code managedFields[].fieldsV1} sets the way structured-merge-diff writes them: {@code
 * f:<field>} for struct and map fields, {@code k:{...}} for elements of keyed lists, {@code "."}
 * for the element itself, and atomic lists as leaves. The list keys follow the Kubernetes schema
 * for the types the simulator writes.
 */
final class FieldSets {
  private static final Set<String> MAP_FIELDS =
      Set.of("labels", "annotations", "matchLabels", "requests", "limits", "data", "nodeSelector");

  private FieldSets() {}

  /** The field set of everything in {@code owned}, a partial object. */
  static ObjectNode of(JsonNode owned) {
    return fields(owned, false);
  }

  private static ObjectNode fields(JsonNode object, boolean withDot) {
    ObjectNode out = Json.NODES.objectNode();
    if (withDot) {
      out.set(".", Json.NODES.objectNode());
    }
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    object.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
      out.set("f:" + e.getKey(), child(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static JsonNode child(String field, JsonNode value) {
    if (value.isObject() && value.size() > 0) {
      return fields(value, MAP_FIELDS.contains(field));
    }
    if (value.isArray() && value.size() > 0 && value.get(0).isObject()) {
      List<String> keys = listKeys(field, value.get(0));
      if (!keys.isEmpty()) {
        ObjectNode out = Json.NODES.objectNode();
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        for (JsonNode element : value) {
          ObjectNode key = Json.NODES.objectNode();
          for (String k : keys) {
            key.set(k, element.path(k));
          }
          sorted.put("k:" + Json.write(key), fields(element, true));
        }
        out.setAll(sorted);
        return out;
      }
    }
    return Json.NODES.objectNode();
  }

  private static List<String> listKeys(String field, JsonNode first) {
    List<String> keys = new ArrayList<>(2);
    switch (field) {
      case "containers", "initContainers", "volumes", "env" -> keys.add("name");
      case "conditions" -> keys.add("type");
      case "ownerReferences" -> keys.add("uid");
      case "volumeMounts" -> keys.add("mountPath");
      case "ports" -> {
        keys.add(first.has("containerPort") ? "containerPort" : "port");
        keys.add("protocol");
      }
      default -> {
        // Lists without a merge key are atomic: the whole list is one leaf.
      }
    }
    return keys;
  }
}
