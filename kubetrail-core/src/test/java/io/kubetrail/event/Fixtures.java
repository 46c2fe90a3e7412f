package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Events to feed the reader, and ways to read them back. */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Fixtures() {}

  /** A complete v1 event, fields in kube-apiserver's order; tests change what they need. */
  static ObjectNode v1Event(String auditID) {
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event");
    e.put("apiVersion", "audit.k8s.io/v1");
    e.put("level", "RequestResponse");
    e.put("auditID", auditID);
    e.put("stage", "ResponseComplete");
    e.put("requestURI", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl");
    e.put("verb", "create");
    ObjectNode user = e.putObject("user");
    user.put("username", "alice");
    user.put("uid", "u-1");
    user.putArray("groups").add("dev").add("system:authenticated");
    user.putObject("extra")
        .putArray("authentication.kubernetes.io/credential-id")
        .add("X509SHA256=ab");
    e.putArray("sourceIPs").add("10.0.0.1").add("192.168.1.2");
    e.put("userAgent", "kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b");
    ObjectNode ref = e.putObject("objectRef");
    ref.put("resource", "configmaps");
    ref.put("namespace", "default");
    ref.put("name", "settings");
    ref.put("apiVersion", "v1");
    ObjectNode status = e.putObject("responseStatus");
    status.putObject("metadata");
    status.put("code", 201);
    ObjectNode body = e.putObject("requestObject");
    body.put("kind", "ConfigMap");
    body.putObject("data").put("k", "v \"quoted\" \u00e9\u4e16");
    e.set("responseObject", body.deepCopy());
    e.put("requestReceivedTimestamp", "2026-01-01T00:00:00.123456Z");
    e.put("stageTimestamp", "2026-01-01T00:00:00.234567Z");
    ObjectNode annotations = e.putObject("annotations");
    annotations.put("authorization.k8s.io/decision", "allow");
    annotations.put("authorization.k8s.io/reason", "");
    return e;
  }

  /** A v1beta1 event as kube-apiserver 1.8 wrote it: deprecated times, no v1 timestamps. */
  static ObjectNode v1beta1Event(String auditID) {
    ObjectNode e = JSON.createObjectNode();
    e.put("kind", "Event");
    e.put("apiVersion", "audit.k8s.io/v1beta1");
    e.putObject("metadata").put("creationTimestamp", "2017-09-11T19:55:06Z");
    e.put("level", "Metadata");
    e.put("timestamp", "2017-09-11T19:55:05Z");
    e.put("auditID", auditID);
    e.put("stage", "ResponseComplete");
    e.put("requestURI", "/apis/rbac.authorization.k8s.io/v1/clusterroles");
    e.put("verb", "list");
    ObjectNode user = e.putObject("user");
    user.put("username", "system:admin");
    user.putArray("groups").add("system:masters");
    e.putArray("sourceIPs").add("::1");
    ObjectNode ref = e.putObject("objectRef");
    ref.put("resource", "clusterroles");
    ref.put("apiGroup", "rbac.authorization.k8s.io");
    ref.put("apiVersion", "v1");
    e.putObject("responseStatus").put("code", 200);
    return e;
  }

  static String compact(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(RawJson json) {
    try {
      return JSON.readTree(json.unsafeBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An EventList holding the given events. */
  static ObjectNode eventList(String apiVersion, List<? extends JsonNode> items) {
    ObjectNode list = JSON.createObjectNode();
    list.put("kind", "EventList");
    list.put("apiVersion", apiVersion);
    list.putObject("metadata");
    list.putArray("items").addAll(new ArrayList<>(items));
    return list;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<DecodeResult> readAll(String text) {
    return readAll(utf8(text), DecodeLimits.defaults());
  }

  static List<DecodeResult> readAll(byte[] data, DecodeLimits limits) {
    return readAll(new ByteArrayInputStream(data), limits);
  }

  static List<DecodeResult> readAll(InputStream in, DecodeLimits limits) {
    try (AuditEventReader reader = AuditEventReader.of(in, "<test>", limits)) {
      return drain(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<DecodeResult> readAll(Path file, DecodeLimits limits) throws IOException {
    try (AuditEventReader reader = AuditEventReader.open(file, limits)) {
      return drain(reader);
    }
  }

  static List<DecodeResult> drain(AuditEventReader reader) throws IOException {
    List<DecodeResult> out = new ArrayList<>();
    Optional<DecodeResult> r;
    while ((r = reader.read()).isPresent()) {
      out.add(r.get());
    }
    return out;
  }

  static List<AuditEvent> events(List<DecodeResult> results) {
    List<AuditEvent> out = new ArrayList<>();
    for (DecodeResult r : results) {
      if (r instanceof DecodeResult.Decoded d) {
        out.add(d.event());
      }
    }
    return out;
  }

  static List<DecodeResult.Rejected> rejections(List<DecodeResult> results) {
    List<DecodeResult.Rejected> out = new ArrayList<>();
    for (DecodeResult r : results) {
      if (r instanceof DecodeResult.Rejected rejected) {
        out.add(rejected);
      }
    }
    return out;
  }

  /** The sample logs beside the project, when they are there. */
  static Optional<Path> testdata(String relative) {
    String dir = System.getProperty("kubetrail.testdata", "");
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(dir).resolve(relative);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /** A stream that hands out few bytes per read, as a pipe or a socket may. */
  static InputStream trickle(byte[] data, Random sizes, int maxChunk) {
    return new InputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (pos >= data.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 1 + sizes.nextInt(maxChunk)), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }
}
