package io.kubetrail.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON Lines audit log as a GKE Cloud Logging export and as an AKS diagnostic-settings
 * export, one record per line, for the {@code ingest --format auto} benchmark. The GKE entries are
 * shaped as GKE writes them (methodName, resourceName, authenticationInfo, requestMetadata, request
 * and response with their {@code @type}, operation, labels); the AKS records carry each event as a
 * JSON string in {@code properties.log}.
 *
 * <p>Arguments: audit log, GKE output, AKS output.
 */
public final class ExportFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportFiles() {}

  public static void main(String[] args) throws Exception {
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8);
        BufferedWriter gke = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8);
        BufferedWriter aks = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode event = JSON.readTree(line);
        gke.write(JSON.writeValueAsString(gke(event)));
        gke.newLine();
        ObjectNode record = JSON.createObjectNode();
        record.put("time", event.path("stageTimestamp").asText());
        record.put(
            "resourceId",
            "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/BENCH/PROVIDERS/MICROSOFT.CONTAINERSERVICE/"
                + "MANAGEDCLUSTERS/BENCH");
        record.put("category", "kube-audit");
        record.put(
            "operationName", "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read");
        ObjectNode properties = record.putObject("properties");
        properties.put("log", line);
        properties.put("stream", "stdout");
        properties.put("pod", "kube-apiserver-5d8f9c7b6-abcde");
        aks.write(JSON.writeValueAsString(record));
        aks.newLine();
      }
    }
  }

  /** A body with its {@code @type}; a JSON patch (an array) under {@code patch}. */
  private static ObjectNode body(JsonNode object) {
    ObjectNode body = JSON.createObjectNode();
    if (object.isObject()) {
      body.put("@type", "k8s.io/" + object.path("kind").asText("Object"));
      body.setAll((ObjectNode) object);
    } else {
      body.put("@type", "k8s.io/Patch");
      body.set("patch", object);
    }
    return body;
  }

  private static ObjectNode gke(JsonNode e) {
    JsonNode ref = e.path("objectRef");
    String group = ref.path("apiGroup").asText("");
    String version = ref.path("apiVersion").asText("v1");
    String resource = ref.path("resource").asText("");
    StringBuilder name = new StringBuilder(group.isEmpty() ? "core" : group);
    name.append('/').append(version);
    if (!ref.path("namespace").asText("").isEmpty()) {
      name.append("/namespaces/").append(ref.path("namespace").asText());
    }
    name.append('/').append(resource);
    if (!ref.path("name").asText("").isEmpty()) {
      name.append('/').append(ref.path("name").asText());
    }
    if (!ref.path("subresource").asText("").isEmpty()) {
      name.append('/').append(ref.path("subresource").asText());
    }
    String method =
        "io.k8s."
            + (group.isEmpty() ? "core" : group)
            + "."
            + version
            + "."
            + resource
            + "."
            + e.path("verb").asText();
    ObjectNode entry = JSON.createObjectNode();
    entry.put("insertId", e.path("auditID").asText());
    ObjectNode labels = entry.putObject("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("annotations").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> a = it.next();
      labels.put(a.getKey(), a.getValue().asText());
    }
    entry.put("logName", "projects/bench/logs/cloudaudit.googleapis.com%2Factivity");
    // A request logged at two stages is one operation of two entries, as GKE logs long ones.
    boolean received = e.path("stage").asText().equals("RequestReceived");
    ObjectNode operation = entry.putObject("operation");
    operation.put("first", received);
    operation.put("id", e.path("auditID").asText());
    operation.put("last", !received);
    operation.put("producer", "k8s.io");
    ObjectNode p = entry.putObject("protoPayload");
    p.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
    p.putObject("authenticationInfo")
        .put("principalEmail", e.path("user").path("username").asText());
    ObjectNode authz = p.putArray("authorizationInfo").addObject();
    authz.put("granted", true);
    authz.put("permission", method);
    authz.put("resource", name.toString());
    p.put("methodName", method);
    if (e.has("requestObject")) {
      p.set("request", body(e.get("requestObject")));
    }
    ObjectNode metadata = p.putObject("requestMetadata");
    metadata.put("callerIp", e.path("sourceIPs").path(0).asText("10.0.0.1"));
    metadata.put("callerSuppliedUserAgent", e.path("userAgent").asText());
    p.put("resourceName", name.toString());
    if (e.has("responseObject")) {
      p.set("response", body(e.get("responseObject")));
    }
    p.put("serviceName", "k8s.io");
    int code = e.path("responseStatus").path("code").asInt(200);
    p.putObject("status").put("code", code < 300 ? 0 : code == 403 ? 7 : code == 404 ? 5 : 6);
    entry.put("receiveTimestamp", e.path("stageTimestamp").asText());
    ObjectNode resourceNode = entry.putObject("resource");
    resourceNode.put("type", "k8s_cluster");
    ObjectNode rl = resourceNode.putObject("labels");
    rl.put("cluster_name", "bench");
    rl.put("location", "europe-west1");
    rl.put("project_id", "bench");
    entry.put("timestamp", e.path("requestReceivedTimestamp").asText());
    return entry;
  }
}
