package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Objects rendered as YAML the way kubectl prints them, diffs between them, and normalising: what
 * histories and reports show of an object, and how they tell a real change from bookkeeping.
 */
public final class Yaml {
  private Yaml() {}

  /** The object as YAML, without {@code metadata.managedFields} (noise in every diff). */
  public static String render(ObjectNode body) {
    ObjectNode shown = body;
    if (body.get("metadata") instanceof ObjectNode m && m.has("managedFields")) {
      shown = body.deepCopy();
      ((ObjectNode) shown.get("metadata")).remove("managedFields");
    }
    return ObjectYaml.write(shown);
  }

  /**
   * A unified diff from one version to another (either may be absent), without bookkeeping ({@link
   * DiffView#QUIET}); empty when equal.
   */
  public static String diff(
      Optional<ObjectNode> before, Optional<ObjectNode> after, String fromName, String toName) {
    return diff(before, after, fromName, toName, DiffView.QUIET);
  }

  /** A unified diff from one version to another (either may be absent); empty when equal. */
  public static String diff(
      Optional<ObjectNode> before,
      Optional<ObjectNode> after,
      String fromName,
      String toName,
      DiffView view) {
    List<String> a = before.map(o -> shown(o, view)).map(Yaml::lines).orElse(List.of());
    List<String> b = after.map(o -> shown(o, view)).map(Yaml::lines).orElse(List.of());
    if (a.equals(b)) {
      return "";
    }
    if (a.isEmpty() || b.isEmpty()) {
      return oneSided(a, b, fromName, toName);
    }
    Patch<String> patch = DiffUtils.diff(a, b);
    List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(fromName, toName, a, patch, 3);
    return String.join("\n", unified) + "\n";
  }

  /**
   * The diff of a creation or a deletion: one hunk of every line, written directly; the general
   * diff would search for common lines where there are none, the most of a changes report's work.
   */
  private static String oneSided(List<String> a, List<String> b, String fromName, String toName) {
    boolean created = a.isEmpty();
    List<String> lines = created ? b : a;
    StringBuilder out = new StringBuilder(64 + lines.size() * 24);
    out.append("--- ").append(fromName).append("\n+++ ").append(toName).append('\n');
    out.append("@@ -1,").append(a.size()).append(" +1,").append(b.size()).append(" @@\n");
    char sign = created ? '+' : '-';
    for (String line : lines) {
      out.append(sign).append(line).append('\n');
    }
    return out.toString();
  }

  private static String shown(ObjectNode body, DiffView view) {
    return render(view == DiffView.QUIET ? normalise(body) : body);
  }

  private static List<String> lines(String text) {
    List<String> l = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
      l.remove(l.size() - 1);
    }
    return l;
  }

  /**
   * The object with what moves without meaning removed: {@code metadata.resourceVersion}, {@code
   * managedFields} and {@code generation}, and every field named {@code *Time} or {@code
   * *Timestamp} other than {@code creationTimestamp} (fixed) and {@code deletionTimestamp} (a real
   * change), outside labels and annotations (whose values are data).
   */
  public static ObjectNode normalise(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    if (copy.get("metadata") instanceof ObjectNode m) {
      m.remove("resourceVersion");
      m.remove("managedFields");
      m.remove("generation");
    }
    dropMovingTimes(copy);
    return copy;
  }

  private static void dropMovingTimes(JsonNode node) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        String k = f.getKey();
        if (k.equals("labels") || k.equals("annotations")) {
          continue;
        }
        boolean timeField =
            (k.endsWith("Time") || k.endsWith("Timestamp") || k.equals("time"))
                && !k.equals("creationTimestamp")
                && !k.equals("deletionTimestamp");
        if (timeField && (f.getValue().isTextual() || f.getValue().isNull())) {
          it.remove();
        } else {
          dropMovingTimes(f.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(Yaml::dropMovingTimes);
    }
  }
}
