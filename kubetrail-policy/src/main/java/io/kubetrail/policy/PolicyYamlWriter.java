package io.kubetrail.policy;

import java.util.List;

/**
 * Writes a policy as {@code audit.k8s.io/v1} YAML in the layout of the Kubernetes documentation:
 * block sequences of rules, flow sequences of double-quoted strings. Double quotes with JSON
 * escapes make every string safe, however it looks ({@code "*"}, {@code ""}, {@code "on"}).
 */
final class PolicyYamlWriter {
  private PolicyYamlWriter() {}

  static String write(Policy policy) {
    StringBuilder b = new StringBuilder(1024);
    b.append("apiVersion: ").append(Policy.V1).append('\n');
    b.append("kind: Policy\n");
    if (!policy.omitStages().isEmpty()) {
      b.append("omitStages:\n");
      for (String stage : policy.omitStages()) {
        b.append("- ").append(quote(stage)).append('\n');
      }
    }
    if (policy.omitManagedFields()) {
      b.append("omitManagedFields: true\n");
    }
    if (policy.rules().isEmpty()) {
      b.append("rules: []\n");
      return b.toString();
    }
    b.append("rules:\n");
    for (PolicyRule rule : policy.rules()) {
      b.append("- level: ").append(quote(rule.level())).append('\n');
      list(b, "users", rule.users());
      list(b, "userGroups", rule.userGroups());
      list(b, "verbs", rule.verbs());
      if (!rule.resources().isEmpty()) {
        b.append("  resources:\n");
        for (GroupResources gr : rule.resources()) {
          b.append("  - group: ").append(quote(gr.group())).append('\n');
          if (!gr.resources().isEmpty()) {
            b.append("    resources: ").append(flow(gr.resources())).append('\n');
          }
          if (!gr.resourceNames().isEmpty()) {
            b.append("    resourceNames: ").append(flow(gr.resourceNames())).append('\n');
          }
        }
      }
      list(b, "namespaces", rule.namespaces());
      list(b, "nonResourceURLs", rule.nonResourceURLs());
      list(b, "omitStages", rule.omitStages());
      rule.omitManagedFields()
          .ifPresent(v -> b.append("  omitManagedFields: ").append(v).append('\n'));
    }
    return b.toString();
  }

  private static void list(StringBuilder b, String name, List<String> values) {
    if (!values.isEmpty()) {
      b.append("  ").append(name).append(": ").append(flow(values)).append('\n');
    }
  }

  private static String flow(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }

  /** Plain when the string is a simple word YAML cannot misread, else double-quoted. */
  static String quote(String s) {
    if (isPlainWord(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (needsEscape(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Characters YAML does not allow raw (outside its printable set), or reads as line breaks (NEL,
   * LS, PS), or as a byte order mark.
   */
  private static boolean needsEscape(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || c == 0xfeff
        || c >= 0xfffe
        || Character.isSurrogate(c);
  }

  // Levels and stages: letters only, and none of them is a YAML 1.1 boolean or null.
  private static boolean isPlainWord(String s) {
    if (s.isEmpty() || !PolicyValidator.isLevel(s) && !PolicyValidator.isStage(s)) {
      return false;
    }
    return true;
  }
}
