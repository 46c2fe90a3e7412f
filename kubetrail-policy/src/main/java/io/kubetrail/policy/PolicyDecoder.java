package io.kubetrail.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Decodes a policy document with a streaming parser, so that every problem can name its line and
 * field path. Mirrors Go's {@code encoding/json} lenient rules as kube-apiserver applies them: the
 * last of duplicate fields wins, {@code null} clears a list and leaves a string or boolean as it
 * was, and a value of the wrong type is fatal.
 */
final class PolicyDecoder {
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  // metav1.ObjectMeta's JSON fields: anything else under metadata is unknown to kube-apiserver.
  private static final Set<String> OBJECT_META_FIELDS =
      Set.of(
          "name",
          "generateName",
          "namespace",
          "selfLink",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "labels",
          "annotations",
          "ownerReferences",
          "finalizers",
          "managedFields");

  private final String source;
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Long> lines = new HashMap<>();
  private JsonParser p;

  PolicyDecoder(String source) {
    this.source = source;
  }

  List<String> warnings() {
    return warnings;
  }

  /** "file:line" of a field path, or of its nearest enclosing field that was seen; else "file". */
  String position(String fieldPath) {
    String path = fieldPath;
    while (!path.isEmpty()) {
      Long line = lines.get(path);
      if (line != null) {
        return source + ":" + line;
      }
      int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut < 0 ? "" : path.substring(0, cut);
    }
    return source;
  }

  Policy decode(byte[] content) throws PolicyException {
    boolean yaml = !looksLikeJson(content);
    try (JsonParser parser = (yaml ? YAML : JSON).createParser(content)) {
      this.p = parser;
      Policy policy = readPolicy();
      if (parser.nextToken() != null) {
        if (yaml) {
          warnings.add(
              source
                  + ":"
                  + line()
                  + ": only the first YAML document is read, as kube-apiserver does; the rest is"
                  + " ignored");
        } else {
          throw fatal("unexpected content after the policy");
        }
      }
      return policy;
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException yamlError) {
        throw new PolicyException(List.of(describe(yamlError)));
      }
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? source : source + ":" + at.getLineNr();
      throw new PolicyException(List.of(where + ": cannot decode policy: " + firstLine(e)));
    } catch (IOException e) {
      // The parser reads from memory; no real I/O can fail.
      throw new UncheckedIOException(e);
    }
  }

  private Policy readPolicy() throws IOException, PolicyException {
    JsonToken root = p.nextToken();
    if (root == null) {
      throw new PolicyException(List.of(source + ": the policy file is empty"));
    }
    if (root != JsonToken.START_OBJECT) {
      throw fatal("a policy must be an object (a YAML mapping), found " + describe(root));
    }
    String apiVersion = "";
    String kind = "";
    List<String> omitStages = List.of();
    boolean omitManagedFields = false;
    List<PolicyRule> rules = List.of();
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      field(seen, "", name);
      p.nextToken();
      switch (name) {
        case "apiVersion" -> apiVersion = readString(name, apiVersion);
        case "kind" -> kind = readString(name, kind);
        case "metadata" -> readMetadata(name);
        case "omitStages" -> omitStages = readStrings(name);
        case "omitManagedFields" -> omitManagedFields = readBoolean(name, omitManagedFields);
        case "rules" -> rules = readRules(name);
        default -> unknown(name);
      }
    }
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new PolicyException(
          List.of(
              source
                  + ": the policy has no "
                  + (apiVersion.isEmpty() ? "apiVersion" : "kind")
                  + ": expected apiVersion: "
                  + Policy.V1
                  + " and kind: Policy"));
    }
    if (!PolicyLoader.KNOWN_VERSIONS.contains(apiVersion) || !kind.equals("Policy")) {
      // kube-apiserver: "unknown group version field audit.k8s.io/v2, Kind=Policy in policy".
      throw new PolicyException(
          List.of(
              position("apiVersion")
                  + ": unknown group version field "
                  + apiVersion
                  + ", Kind="
                  + kind
                  + " in policy: expected kind Policy in "
                  + Policy.V1
                  + " (or the deprecated "
                  + Policy.V1BETA1
                  + " or "
                  + Policy.V1ALPHA1
                  + ")"));
    }
    return new Policy(apiVersion, omitStages, omitManagedFields, rules);
  }

  private void readMetadata(String path) throws IOException, PolicyException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      throw typeError(path, "an object");
    }
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      field(seen, path, name);
      p.nextToken();
      if (!OBJECT_META_FIELDS.contains(name)) {
        warnUnknown(path + "." + name);
      }
      p.skipChildren();
    }
  }

  private List<PolicyRule> readRules(String path) throws IOException, PolicyException {
    return readList(path, "a list of rules", this::readRule);
  }

  /** Reads one list element whose field path is {@code path}. */
  private interface ElementReader<T> {
    T read(String path) throws IOException, PolicyException;
  }

  /** Reads a list (null reads as empty), remembering each element's line for error messages. */
  private <T> List<T> readList(String path, String expected, ElementReader<T> element)
      throws IOException, PolicyException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw typeError(path, expected);
    }
    List<T> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = path + "[" + list.size() + "]";
      lines.put(at, line());
      list.add(element.read(at));
    }
    return list;
  }

  private PolicyRule readRule(String path) throws IOException, PolicyException {
    PolicyRule rule = PolicyRule.of("");
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return rule;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw typeError(path, "a rule (an object)");
    }
    String level = "";
    List<String> users = List.of();
    List<String> userGroups = List.of();
    List<String> verbs = List.of();
    List<GroupResources> resources = List.of();
    List<String> namespaces = List.of();
    List<String> nonResourceURLs = List.of();
    List<String> omitStages = List.of();
    Optional<Boolean> omitManagedFields = Optional.empty();
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      String at = field(seen, path, name);
      p.nextToken();
      switch (name) {
        case "level" -> level = readString(at, level);
        case "users" -> users = readStrings(at);
        case "userGroups" -> userGroups = readStrings(at);
        case "verbs" -> verbs = readStrings(at);
        case "resources" -> resources = readGroupResourcesList(at);
        case "namespaces" -> namespaces = readStrings(at);
        case "nonResourceURLs" -> nonResourceURLs = readStrings(at);
        case "omitStages" -> omitStages = readStrings(at);
        case "omitManagedFields" -> {
          // A *bool in Go: null clears it.
          omitManagedFields =
              p.currentToken() == JsonToken.VALUE_NULL
                  ? Optional.empty()
                  : Optional.of(readBoolean(at, false));
        }
        default -> unknown(at);
      }
    }
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  private List<GroupResources> readGroupResourcesList(String path)
      throws IOException, PolicyException {
    return readList(path, "a list of {group, resources, resourceNames}", this::readGroupResources);
  }

  private GroupResources readGroupResources(String path) throws IOException, PolicyException {
    String group = "";
    List<String> resources = List.of();
    List<String> resourceNames = List.of();
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return new GroupResources(group, resources, resourceNames);
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw typeError(path, "an object with group, resources, resourceNames");
    }
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      String at = field(seen, path, name);
      p.nextToken();
      switch (name) {
        case "group" -> group = readString(at, group);
        case "resources" -> resources = readStrings(at);
        case "resourceNames" -> resourceNames = readStrings(at);
        default -> unknown(at);
      }
    }
    return new GroupResources(group, resources, resourceNames);
  }

  /** Records a field's line; warns when the object already had it. Returns its path. */
  private String field(Set<String> seen, String parent, String name) {
    String path = parent.isEmpty() ? name : parent + "." + name;
    if (!seen.add(name)) {
      warnings.add(
          source
              + ":"
              + line()
              + ": duplicate field "
              + GoFormat.quote(path)
              + " (kube-apiserver warns and uses the last value)");
    }
    lines.put(path, line());
    return path;
  }

  private void unknown(String path) throws IOException {
    warnUnknown(path);
    p.skipChildren();
  }

  private void warnUnknown(String path) {
    warnings.add(
        source
            + ":"
            + lines.getOrDefault(path, line())
            + ": unknown field "
            + GoFormat.quote(path)
            + " (kube-apiserver warns and ignores it)");
  }

  private String readString(String path, String previous) throws IOException, PolicyException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> previous;
      default -> throw typeError(path, "a string");
    };
  }

  private boolean readBoolean(String path, boolean previous) throws IOException, PolicyException {
    return switch (p.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> previous;
      default -> throw typeError(path, "true or false");
    };
  }

  private List<String> readStrings(String path) throws IOException, PolicyException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw typeError(path, "a list of strings");
    }
    List<String> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = path + "[" + values.size() + "]";
      lines.put(at, line());
      values.add(readString(at, ""));
    }
    return values;
  }

  private PolicyException typeError(String path, String expected) {
    return fatal(path + ": expected " + expected + ", found " + describe(p.currentToken()));
  }

  private PolicyException fatal(String message) {
    return new PolicyException(List.of(source + ":" + line() + ": " + message));
  }

  private long line() {
    return p.currentTokenLocation().getLineNr();
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  private static boolean looksLikeJson(byte[] content) {
    int i = 0;
    if (content.length >= 3
        && (content[0] & 0xff) == 0xef
        && (content[1] & 0xff) == 0xbb
        && (content[2] & 0xff) == 0xbf) {
      i = 3;
    }
    for (; i < content.length; i++) {
      byte b = content[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b == '{';
      }
    }
    return false;
  }

  /** "file:line: cannot decode policy: while parsing X: expected Y" from SnakeYAML's parts. */
  private String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String where = mark == null ? source : source + ":" + (mark.getLine() + 1);
    StringBuilder what = new StringBuilder();
    if (e.getContext() != null) {
      what.append(e.getContext());
    }
    if (e.getProblem() != null) {
      what.append(what.length() > 0 ? ": " : "").append(e.getProblem());
    }
    return where + ": cannot decode policy: " + what;
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
