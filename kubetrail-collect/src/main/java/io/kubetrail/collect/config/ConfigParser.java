package io.kubetrail.collect.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.config.CollectorConfig.Destination;
import io.kubetrail.collect.webhook.WebhookOptions;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.AuditStores;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Reads a collector configuration, gathering every problem with its field path. */
final class ConfigParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "store",
          "forward",
          "cluster",
          "policy",
          "redactSecrets",
          "metrics",
          "deadLetter",
          "limits",
          "sources",
          "reports",
          "buffer");

  private final Path base;
  private final List<String> problems = new ArrayList<>();

  private ConfigParser(Path base) {
    this.base = base;
  }

  static CollectorConfig parse(Path file) throws IOException, ConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of("no such file"));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          file.toString(), List.of("not valid YAML: " + e.getOriginalMessage()));
    }
    Path dir = file.toAbsolutePath().getParent();
    ConfigParser p = new ConfigParser(dir);
    CollectorConfig config = p.config(root);
    if (!p.problems.isEmpty()) {
      throw new ConfigException(file.toString(), p.problems);
    }
    return config;
  }

  private CollectorConfig config(JsonNode root) {
    if (root == null || !root.isObject()) {
      problems.add("expected a mapping with store (or forward), cluster and sources");
      return null;
    }
    unknown(root, "", TOP);
    Destination destination = destination(root);
    String cluster = string(root, "", "cluster").orElse("default");
    if (cluster.isBlank()) {
      problems.add("cluster: must not be blank");
    }
    Optional<Path> policy = path(root, "", "policy");
    boolean redact = bool(root, "", "redactSecrets").orElse(true);
    Optional<CollectorConfig.Metrics> metrics = metrics(root.get("metrics"));
    Optional<Path> deadLetter = path(root, "", "deadLetter");
    DecodeLimits limits = limits(root.get("limits"));
    List<CollectorConfig.SourceConfig> sources = sources(root.get("sources"));
    Optional<Path> reports = path(root, "", "reports");
    Optional<CollectorConfig.Buffer> buffer = buffer(root.get("buffer"));
    if (reports.isPresent() && destination instanceof CollectorConfig.Forward) {
      problems.add(
          "reports: only a collector with a store makes reports; the central kubetrail it"
              + " forwards to can");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new CollectorConfig(
        destination,
        cluster,
        policy,
        redact,
        metrics,
        deadLetter,
        limits,
        sources,
        reports,
        buffer);
  }

  private Optional<CollectorConfig.Buffer> buffer(JsonNode b) {
    if (b == null || b.isNull() || b.isBoolean() && b.asBoolean()) {
      return Optional.of(CollectorConfig.Buffer.DEFAULT);
    }
    if (b.isBoolean()) {
      return Optional.empty();
    }
    if (!b.isObject()) {
      problems.add("buffer: expected a mapping with dir and maxBytes, or false for none");
      return Optional.empty();
    }
    unknown(b, "buffer.", Set.of("dir", "maxBytes"));
    Optional<Path> dir = path(b, "buffer.", "dir");
    long max = BufferOptions.DEFAULT_MAX_BYTES;
    JsonNode m = b.get("maxBytes");
    if (m != null && !m.isNull()) {
      Optional<Long> parsed = ByteSize.parse(m.asText());
      if (parsed.isEmpty() || !(m.isTextual() || m.isIntegralNumber()) || parsed.get() < 1) {
        problems.add(
            "buffer.maxBytes: expected a size of at least 1 byte, e.g. 1073741824, 512MiB or"
                + " 1GiB, got "
                + m);
      } else {
        max = parsed.get();
      }
    }
    return Optional.of(new CollectorConfig.Buffer(dir, max));
  }

  private Destination destination(JsonNode root) {
    boolean store = root.has("store");
    boolean forward = root.has("forward");
    if (store == forward) {
      problems.add(
          store
              ? "store and forward: give one, not both (a collector stores or forwards)"
              : "store: missing: give a store directory, or forward: {url: ...} to send events"
                  + " to a central kubetrail");
      return null;
    }
    if (store) {
      JsonNode location = root.get("store");
      if (location.isTextual() && AuditStores.scheme(location.asText()).isPresent()) {
        // A cluster's URL, never a path.
        return new CollectorConfig.Store(location.asText());
      }
      // A directory, taken from the file's directory like every other path.
      return path(root, "", "store").map(p -> new CollectorConfig.Store(p.toString())).orElse(null);
    }
    JsonNode f = root.get("forward");
    if (!f.isObject()) {
      problems.add("forward: expected a mapping with url, ca, tokenFile and positions");
      return null;
    }
    unknown(f, "forward.", Set.of("url", "ca", "tokenFile", "positions"));
    Optional<URI> url = string(f, "forward.", "url").flatMap(u -> url("forward.url", u));
    Optional<Path> positions = path(f, "forward.", "positions");
    if (f.get("positions") == null) {
      problems.add(
          "forward.positions: missing: the file where the positions reached in each source are"
              + " kept (on a volume that outlives the collector)");
    }
    Optional<Path> ca = path(f, "forward.", "ca");
    Optional<Path> token = path(f, "forward.", "tokenFile");
    if (url.isEmpty() || positions.isEmpty()) {
      return null;
    }
    return new CollectorConfig.Forward(url.get(), ca, token, positions.get());
  }

  private Optional<URI> url(String field, String text) {
    return url(field, text, Set.of("https"), "an https URL, e.g. https://kubetrail.example:8443");
  }

  private Optional<URI> url(String field, String text, Set<String> schemes, String expected) {
    try {
      URI uri = new URI(text);
      if (!schemes.contains(uri.getScheme()) || uri.getHost() == null) {
        problems.add(field + ": expected " + expected + ", got '" + text + "'");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      problems.add(field + ": not a URL: " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<CollectorConfig.Metrics> metrics(JsonNode m) {
    if (m == null) {
      return Optional.empty();
    }
    Optional<Endpoint> listen;
    Optional<Path> token = Optional.empty();
    if (m.isTextual()) {
      listen = endpoint("metrics", m.asText());
    } else if (m.isObject()) {
      unknown(m, "metrics.", Set.of("listen", "tokenFile"));
      listen = string(m, "metrics.", "listen").flatMap(t -> endpoint("metrics.listen", t));
      token = path(m, "metrics.", "tokenFile");
    } else {
      problems.add("metrics: expected host:port, or a mapping with listen and tokenFile");
      return Optional.empty();
    }
    if (listen.isPresent() && !listen.get().loopback() && token.isEmpty()) {
      problems.add(
          "metrics: "
              + listen.get()
              + " is reachable from other machines: give metrics.tokenFile (a bearer token"
              + " /metrics then requires), or listen on 127.0.0.1");
    }
    Optional<Path> tokenFile = token;
    return listen.map(l -> new CollectorConfig.Metrics(l, tokenFile));
  }

  private DecodeLimits limits(JsonNode l) {
    DecodeLimits.Builder b = DecodeLimits.builder();
    if (l == null) {
      return b.build();
    }
    if (!l.isObject()) {
      problems.add("limits: expected a mapping with maxEventBytes, maxLineBytes, maxNestingDepth");
      return b.build();
    }
    unknown(l, "limits.", Set.of("maxEventBytes", "maxLineBytes", "maxNestingDepth"));
    setInt(l, "limits.", "maxEventBytes", b::maxEventBytes);
    setInt(l, "limits.", "maxLineBytes", b::maxLineBytes);
    setInt(l, "limits.", "maxNestingDepth", b::maxNestingDepth);
    return b.build();
  }

  private void setInt(JsonNode node, String prefix, String name, Function<Integer, ?> setter) {
    JsonNode v = node.get(name);
    if (v == null) {
      return;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problems.add(prefix + name + ": expected a whole number, got " + v);
      return;
    }
    try {
      setter.apply(v.intValue());
    } catch (IllegalArgumentException e) {
      problems.add(prefix + name + ": " + e.getMessage());
    }
  }

  private List<CollectorConfig.SourceConfig> sources(JsonNode s) {
    List<CollectorConfig.SourceConfig> list = new ArrayList<>();
    if (s == null || !s.isArray() || s.isEmpty()) {
      problems.add(
          "sources: expected a list with at least one source: - file: {path: ...}, - webhook:"
              + " {listen: ...}, - directory: {path: ...} or - eksCloudwatchLog: {...}");
      return list;
    }
    for (int i = 0; i < s.size(); i++) {
      String at = "sources[" + i + "]";
      JsonNode entry = s.get(i);
      if (!entry.isObject() || entry.size() != 1) {
        problems.add(
            at
                + ": expected one of file: {...}, webhook: {...}, directory: {...} or"
                + " eksCloudwatchLog: {...}");
        continue;
      }
      String kind = entry.fieldNames().next();
      JsonNode body = entry.get(kind);
      String prefix = at + "." + kind + ".";
      if (!body.isObject()) {
        problems.add(at + "." + kind + ": expected a mapping");
        continue;
      }
      switch (kind) {
        case "file" -> file(body, prefix).ifPresent(list::add);
        case "webhook" -> webhook(body, prefix).ifPresent(list::add);
        case "directory" -> directory(body, prefix).ifPresent(list::add);
        case "eksCloudwatchLog" -> eksCloudwatchLog(body, prefix).ifPresent(list::add);
        default ->
            problems.add(
                at
                    + ": unknown source '"
                    + kind
                    + "' (allowed: directory, eksCloudwatchLog, file, webhook)");
      }
    }
    return list;
  }

  private Optional<CollectorConfig.SourceConfig> file(JsonNode f, String prefix) {
    unknown(f, prefix, Set.of("path", "pollMillis"));
    Optional<Path> path = path(f, prefix, "path");
    if (f.get("path") == null) {
      problems.add(prefix + "path: missing: the audit log file, e.g. /var/log/kube-audit.log");
    }
    long poll =
        positiveLong(f, prefix, "pollMillis")
            .orElse(CollectorConfig.FileSource.DEFAULT_POLL_MILLIS);
    return path.map(p -> new CollectorConfig.FileSource(p, poll));
  }

  private Optional<CollectorConfig.SourceConfig> directory(JsonNode d, String prefix) {
    unknown(d, prefix, Set.of("path", "format", "pollMillis"));
    Optional<Path> path = path(d, prefix, "path");
    if (d.get("path") == null) {
      problems.add(prefix + "path: missing: the directory exported audit logs land in");
    }
    RecordFormat format = RecordFormat.AUTO;
    Optional<String> named = string(d, prefix, "format");
    if (named.isPresent()) {
      try {
        format = RecordFormat.parse(named.get());
      } catch (IllegalArgumentException e) {
        problems.add(prefix + "format: " + e.getMessage());
      }
    }
    long poll =
        positiveLong(d, prefix, "pollMillis")
            .orElse(CollectorConfig.DirectorySource.DEFAULT_POLL_MILLIS);
    RecordFormat f = format;
    return path.map(p -> new CollectorConfig.DirectorySource(p, f, poll));
  }

  private Optional<CollectorConfig.SourceConfig> eksCloudwatchLog(JsonNode e, String prefix) {
    unknown(
        e,
        prefix,
        Set.of(
            "region",
            "groupName",
            "streamPrefix",
            "fetchInterval",
            "credentialsSecret",
            "endpoint"));
    Optional<String> region =
        required(e, prefix, "region", "the log group's AWS region, e.g. us-west-2");
    Optional<String> group =
        required(e, prefix, "groupName", "the log group, e.g. /aws/eks/CLUSTER/cluster");
    String streamPrefix =
        string(e, prefix, "streamPrefix")
            .orElse(CollectorConfig.EksCloudwatchLog.DEFAULT_STREAM_PREFIX);
    long interval =
        positiveLong(e, prefix, "fetchInterval")
            .orElse(CollectorConfig.EksCloudwatchLog.DEFAULT_FETCH_INTERVAL_SECONDS);
    Optional<Path> secret = path(e, prefix, "credentialsSecret");
    Optional<URI> endpoint =
        string(e, prefix, "endpoint")
            .flatMap(
                u ->
                    url(
                        prefix + "endpoint",
                        u,
                        Set.of("http", "https"),
                        "an http or https URL, e.g. https://logs.us-west-2.amazonaws.com"));
    if (region.isEmpty() || group.isEmpty() || (e.has("endpoint") && endpoint.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(
        new CollectorConfig.EksCloudwatchLog(
            region.get(), group.get(), streamPrefix, interval, secret, endpoint));
  }

  private Optional<String> required(JsonNode node, String prefix, String name, String what) {
    if (node.get(name) == null) {
      problems.add(prefix + name + ": missing: " + what);
      return Optional.empty();
    }
    Optional<String> value = string(node, prefix, name);
    if (value.isPresent() && value.get().isBlank()) {
      problems.add(prefix + name + ": must not be blank: " + what);
      return Optional.empty();
    }
    return value;
  }

  private Optional<CollectorConfig.SourceConfig> webhook(JsonNode w, String prefix) {
    unknown(
        w, prefix, Set.of("listen", "tlsCert", "tlsKey", "clientCA", "tokenFile", "maxBodyBytes"));
    if (w.get("listen") == null) {
      problems.add(prefix + "listen: missing: host:port to listen on, e.g. 0.0.0.0:8443");
    }
    Optional<String> listen = string(w, prefix, "listen");
    Optional<Path> cert = path(w, prefix, "tlsCert");
    Optional<Path> key = path(w, prefix, "tlsKey");
    Optional<Path> ca = path(w, prefix, "clientCA");
    Optional<Path> token = path(w, prefix, "tokenFile");
    Optional<Long> maxBody = positiveLong(w, prefix, "maxBodyBytes");
    if (listen.isEmpty()) {
      return Optional.empty();
    }
    // The webhook's own options say what is wrong; the field path says where.
    try {
      WebhookOptions o = WebhookOptions.listen(listen.get());
      if (cert.isPresent() || key.isPresent()) {
        if (cert.isEmpty() || key.isEmpty()) {
          problems.add(
              prefix + "tlsCert, tlsKey: give both (the certificate and its key) or neither");
          return Optional.empty();
        }
        o = o.withTls(cert.get(), key.get());
      }
      if (ca.isPresent()) {
        o = o.withClientCA(ca.get());
      }
      if (token.isPresent()) {
        o = o.withTokenFile(token.get());
      }
      if (maxBody.isPresent()) {
        o = o.withMaxBodyBytes(maxBody.get());
      }
      Optional<String> exposed = o.exposureProblem();
      if (exposed.isPresent()) {
        problems.add(prefix + exposed.get());
        return Optional.empty();
      }
      return Optional.of(new CollectorConfig.WebhookSource(o));
    } catch (IllegalArgumentException e) {
      problems.add(prefix + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Endpoint> endpoint(String field, String text) {
    try {
      return Optional.of(Endpoint.parse(text));
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<String> string(JsonNode node, String prefix, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      problems.add(prefix + name + ": expected a string, got " + v);
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  private Optional<Boolean> bool(JsonNode node, String prefix, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      problems.add(prefix + name + ": expected true or false, got " + v);
      return Optional.empty();
    }
    return Optional.of(v.asBoolean());
  }

  private Optional<Long> positiveLong(JsonNode node, String prefix, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || v.asLong() < 1) {
      problems.add(prefix + name + ": expected a whole number of at least 1, got " + v);
      return Optional.empty();
    }
    return Optional.of(v.asLong());
  }

  private Optional<Path> path(JsonNode node, String prefix, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      problems.add(prefix + name + ": expected a file path, got " + v);
      return Optional.empty();
    }
    return Optional.of(base.resolve(v.asText()).normalize());
  }

  private void unknown(JsonNode node, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        problems.add(
            prefix
                + name
                + ": unknown field (allowed: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
    }
  }
}
