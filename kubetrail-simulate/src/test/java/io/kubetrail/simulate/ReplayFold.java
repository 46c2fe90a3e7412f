package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent replay of audit events by kubetrail's rules (DESIGN "State at T"), written for the
 * tests from the rules alone: it reads only the events, never the simulator's internals.
 */
final class ReplayFold {
  private static final Set<String> CHANGES =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  final TreeMap<ObjectKey, JsonNode> live = new TreeMap<>();

  void accept(JsonNode event) {
    if (!event.path("stage").asText().equals("ResponseComplete")) {
      return;
    }
    String verb = event.path("verb").asText();
    int code = event.path("responseStatus").path("code").asInt();
    String uri = event.path("requestURI").asText();
    String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
    boolean dryRun = ("&" + query).contains("&dryRun=");
    if (!CHANGES.contains(verb) || code < 200 || code > 299 || dryRun) {
      return;
    }
    JsonNode ref = event.path("objectRef");
    String group = ref.path("apiGroup").asText();
    String resource = ref.path("resource").asText();
    boolean namespaceObject = group.isEmpty() && resource.equals("namespaces");
    String namespace = namespaceObject ? "" : ref.path("namespace").asText();
    String name = ref.path("name").asText();
    JsonNode response = event.path("responseObject");
    switch (verb) {
      case "delete" -> {
        live.remove(new ObjectKey(group, resource, namespace, name));
        if (namespaceObject) {
          live.keySet().removeIf(k -> k.namespace().equals(name));
        }
      }
      case "deletecollection" ->
          live.keySet()
              .removeIf(
                  k ->
                      k.apiGroup().equals(group)
                          && k.resource().equals(resource)
                          && k.namespace().equals(namespace));
      default -> {
        if (!response.isObject() || response.path("kind").asText().equals("Status")) {
          return;
        }
        String objectName = name.isEmpty() ? response.path("metadata").path("name").asText() : name;
        live.put(new ObjectKey(group, resource, namespace, objectName), response);
      }
    }
  }
}
