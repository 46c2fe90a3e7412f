package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.history.LabelSelector.Operator;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label and field selectors as the API server reads them from a request's query ({@code
 * labelSelector}, {@code fieldSelector}), so that a {@code deletecollection} removes the objects it
 * removed in the cluster.
 *
 * <p>Label selectors take the full syntax ({@code k=v}, {@code k==v}, {@code k!=v}, {@code k in
 * (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}). Field selectors take {@code path=v},
 * {@code path==v} and {@code path!=v}, with {@code path} a dotted path into the object ({@code
 * metadata.name}, {@code status.phase}); a missing field compares as the empty string.
 */
final class Selectors {
  private Selectors() {}

  /** The value of one query parameter of a request URI, URL-decoded; empty when absent. */
  static Optional<String> queryParam(String requestURI, String name) {
    int q = requestURI.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    for (String param : requestURI.substring(q + 1).split("&")) {
      int eq = param.indexOf('=');
      String k = eq < 0 ? param : param.substring(0, eq);
      if (decode(k).equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(param.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /**
   * Parses a label selector; everything matches the empty selector.
   *
   * @throws IllegalArgumentException when the text is not a selector
   */
  static LabelSelector labels(String selector) {
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    for (String part : splitTopLevel(selector)) {
      String r = part.trim();
      if (r.isEmpty()) {
        continue;
      }
      reqs.add(labelRequirement(r));
    }
    return new LabelSelector(reqs);
  }

  private static LabelSelector.Requirement labelRequirement(String r) {
    int paren = r.indexOf('(');
    if (paren >= 0) {
      if (!r.endsWith(")")) {
        throw new IllegalArgumentException("bad label selector requirement: " + r);
      }
      String head = r.substring(0, paren).trim();
      Set<String> values = new HashSet<>();
      for (String v : r.substring(paren + 1, r.length() - 1).split(",")) {
        values.add(v.trim());
      }
      String[] words = head.split("\\s+");
      if (words.length != 2) {
        throw new IllegalArgumentException("bad label selector requirement: " + r);
      }
      return switch (words[1]) {
        case "in" -> new LabelSelector.Requirement(words[0], Operator.IN, values);
        case "notin" -> new LabelSelector.Requirement(words[0], Operator.NOT_IN, values);
        default -> throw new IllegalArgumentException("bad label selector operator: " + r);
      };
    }
    int ne = r.indexOf("!=");
    if (ne >= 0) {
      String key = r.substring(0, ne).trim();
      String value = r.substring(ne + 2).trim();
      return new LabelSelector.Requirement(key, Operator.NOT_IN, Set.of(value));
    }
    int eq = r.indexOf('=');
    if (eq >= 0) {
      String key = r.substring(0, eq).trim();
      String value = r.substring(r.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
      return new LabelSelector.Requirement(key, Operator.IN, Set.of(value));
    }
    if (r.startsWith("!")) {
      return new LabelSelector.Requirement(
          r.substring(1).trim(), Operator.DOES_NOT_EXIST, Set.of());
    }
    return new LabelSelector.Requirement(r, Operator.EXISTS, Set.of());
  }

  /** Parses a field selector into a test on the object body. */
  static Predicate<JsonNode> fields(String selector) {
    List<Predicate<JsonNode>> reqs = new ArrayList<>();
    for (String part : selector.split(",")) {
      String r = part.trim();
      if (r.isEmpty()) {
        continue;
      }
      int ne = r.indexOf("!=");
      int eq = r.indexOf('=');
      if (ne >= 0) {
        String[] path = r.substring(0, ne).trim().split("\\.");
        String value = r.substring(ne + 2).trim();
        reqs.add(n -> !value.equals(fieldText(n, path)));
      } else if (eq >= 0) {
        String[] path = r.substring(0, eq).trim().split("\\.");
        String value = r.substring(r.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
        reqs.add(n -> value.equals(fieldText(n, path)));
      } else {
        throw new IllegalArgumentException("bad field selector requirement: " + r);
      }
    }
    return n -> reqs.stream().allMatch(p -> p.test(n));
  }

  private static String fieldText(JsonNode n, String[] path) {
    JsonNode cur = n;
    for (String p : path) {
      cur = cur.path(p);
    }
    return cur.isValueNode() ? cur.asText() : "";
  }

  /** Splits on commas that are not inside parentheses. */
  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
