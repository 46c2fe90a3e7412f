package io.kubetrail.policy;

import io.kubetrail.event.UserInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One policy rule turned into sets and matchers, so that matching a request costs a few hash
 * lookups and allocates nothing. Matching follows kube-apiserver's {@code ruleMatches}: users, user
 * groups and verbs first; then resources (when the rule names namespaces or resources, its
 * non-resource URLs are ignored), or non-resource URLs, or nothing (a catch-all).
 */
final class CompiledRule {
  // null: the rule does not restrict this attribute.
  private final Set<String> users;
  private final Set<String> userGroups;
  private final Set<String> verbs;

  private final boolean resourceRule;
  private final Set<String> namespaces;
  // The rule's resources entries by API group (any one matching is enough, so order is moot),
  // and those with group "*". Both empty: the rule does not restrict resources.
  private final boolean anyResource;
  private final Map<String, CompiledGroupResources[]> groupsByName;
  private final CompiledGroupResources[] anyGroup;

  private final boolean nonResourceRule;
  private final boolean anyPath;
  private final String[] exactPaths;
  private final String[] pathPrefixes;

  CompiledRule(PolicyRule rule) {
    this.users = setOrNull(rule.users());
    this.userGroups = setOrNull(rule.userGroups());
    this.verbs = setOrNull(rule.verbs());
    this.resourceRule = !rule.namespaces().isEmpty() || !rule.resources().isEmpty();
    this.namespaces = setOrNull(rule.namespaces());
    this.anyResource = rule.resources().isEmpty();
    Map<String, List<CompiledGroupResources>> byName = new HashMap<>();
    List<CompiledGroupResources> wildcard = new ArrayList<>();
    for (GroupResources gr : rule.resources()) {
      CompiledGroupResources compiled = new CompiledGroupResources(gr);
      if (gr.group().equals("*")) {
        // Since kube-apiserver 1.36 a group of "*" matches every API group; earlier servers
        // compared it literally, which never matched a real group.
        wildcard.add(compiled);
      } else {
        byName.computeIfAbsent(gr.group(), g -> new ArrayList<>()).add(compiled);
      }
    }
    Map<String, CompiledGroupResources[]> frozen = new HashMap<>();
    byName.forEach((g, list) -> frozen.put(g, list.toArray(CompiledGroupResources[]::new)));
    this.groupsByName = Map.copyOf(frozen);
    this.anyGroup = wildcard.toArray(CompiledGroupResources[]::new);
    this.nonResourceRule = !rule.nonResourceURLs().isEmpty();
    boolean any = false;
    List<String> exact = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (String spec : rule.nonResourceURLs()) {
      if (spec.equals("*")) {
        any = true;
      }
      exact.add(spec);
      if (spec.endsWith("*")) {
        // Go's strings.TrimRight strips every trailing '*'.
        int end = spec.length();
        while (end > 0 && spec.charAt(end - 1) == '*') {
          end--;
        }
        prefixes.add(spec.substring(0, end));
      }
    }
    this.anyPath = any;
    this.exactPaths = exact.toArray(String[]::new);
    this.pathPrefixes = prefixes.toArray(String[]::new);
  }

  private static Set<String> setOrNull(List<String> values) {
    return values.isEmpty() ? null : Set.copyOf(values);
  }

  boolean matchesResource(
      UserInfo user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name) {
    // A rule for non-resource URLs only never matches a resource request: say so before the
    // subject checks, which cost more.
    if (!resourceRule && nonResourceRule || !matchesSubject(user, verb)) {
      return false;
    }
    if (!resourceRule) {
      return true;
    }
    if (namespaces != null && !namespaces.contains(namespace)) {
      return false;
    }
    if (anyResource) {
      return true;
    }
    CompiledGroupResources[] sameGroup = groupsByName.get(apiGroup);
    if (sameGroup != null) {
      for (CompiledGroupResources g : sameGroup) {
        if (g.matches(resource, subresource, name)) {
          return true;
        }
      }
    }
    for (CompiledGroupResources g : anyGroup) {
      if (g.matches(resource, subresource, name)) {
        return true;
      }
    }
    return false;
  }

  /** {@code uri} holds the path in its first {@code pathLength} characters. */
  boolean matchesNonResource(UserInfo user, String verb, String uri, int pathLength) {
    if (resourceRule || !matchesSubject(user, verb)) {
      return false;
    }
    if (!nonResourceRule || anyPath) {
      return true;
    }
    for (String spec : exactPaths) {
      if (spec.length() == pathLength && uri.startsWith(spec)) {
        return true;
      }
    }
    for (String prefix : pathPrefixes) {
      if (prefix.length() <= pathLength && uri.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesSubject(UserInfo user, String verb) {
    if (users != null && (user == null || !users.contains(user.username()))) {
      return false;
    }
    if (userGroups != null) {
      if (user == null) {
        return false;
      }
      List<String> groupsOfUser = user.groups();
      boolean matched = false;
      for (int i = 0, n = groupsOfUser.size(); i < n; i++) {
        if (userGroups.contains(groupsOfUser.get(i))) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        return false;
      }
    }
    return verbs == null || verbs.contains(verb);
  }
}
