package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The policy checker written as plainly as the pseudo-code of the reference (§1.2), with no
 * precompilation: the oracle the compiled evaluator is checked against.
 */
final class ReferenceChecker {
  record Result(Level level, Set<Stage> omitStages, boolean omitManagedFields, OptionalInt rule) {}

  private ReferenceChecker() {}

  static Result evaluate(Policy policy, RequestAttributes a) {
    for (int i = 0; i < policy.rules().size(); i++) {
      PolicyRule r = policy.rules().get(i);
      if (ruleMatches(r, a)) {
        Set<Stage> stages = stages(policy.omitStages());
        stages.addAll(stages(r.omitStages()));
        return new Result(
            Level.valueOf(r.level()),
            stages,
            r.omitManagedFields().isPresent()
                ? r.omitManagedFields().get()
                : policy.omitManagedFields(),
            OptionalInt.of(i));
      }
    }
    return new Result(
        Level.None, stages(policy.omitStages()), policy.omitManagedFields(), OptionalInt.empty());
  }

  static boolean ruleMatches(PolicyRule r, RequestAttributes a) {
    UserInfo user = a.user().orElse(null);
    if (!r.users().isEmpty()) {
      if (user == null || !r.users().contains(user.username())) {
        return false;
      }
    }
    if (!r.userGroups().isEmpty()) {
      if (user == null) {
        return false;
      }
      boolean any = false;
      for (String g : user.groups()) {
        if (r.userGroups().contains(g)) {
          any = true;
        }
      }
      if (!any) {
        return false;
      }
    }
    if (!r.verbs().isEmpty() && !r.verbs().contains(a.verb())) {
      return false;
    }
    if (!r.namespaces().isEmpty() || !r.resources().isEmpty()) {
      return matchesResource(r, a);
    }
    if (!r.nonResourceURLs().isEmpty()) {
      return matchesNonResource(r, a);
    }
    return true;
  }

  static boolean matchesNonResource(PolicyRule r, RequestAttributes a) {
    if (a.resourceRequest()) {
      return false;
    }
    String path = a.path();
    for (String spec : r.nonResourceURLs()) {
      if (spec.equals("*") || spec.equals(path)) {
        return true;
      }
      if (spec.endsWith("*") && path.startsWith(spec.replaceAll("\\*+$", ""))) {
        return true;
      }
    }
    return false;
  }

  static boolean matchesResource(PolicyRule r, RequestAttributes a) {
    if (!a.resourceRequest()) {
      return false;
    }
    if (!r.namespaces().isEmpty() && !r.namespaces().contains(a.namespace())) {
      return false;
    }
    if (r.resources().isEmpty()) {
      return true;
    }
    String combined =
        a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
    for (GroupResources gr : r.resources()) {
      if (gr.group().equals(a.apiGroup()) || gr.group().equals("*")) {
        if (gr.resources().isEmpty()) {
          return true;
        }
        for (String res : gr.resources()) {
          if (gr.resourceNames().isEmpty() || gr.resourceNames().contains(a.name())) {
            if (res.equals(combined) || res.equals("*")) {
              return true;
            }
            if (!a.subresource().isEmpty() && res.equals("*/" + a.subresource())) {
              return true;
            }
            if (res.endsWith("/*") && a.resource().equals(res.substring(0, res.length() - 2))) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static Set<Stage> stages(List<String> names) {
    Set<Stage> set = EnumSet.noneOf(Stage.class);
    names.forEach(n -> set.add(Stage.valueOf(n)));
    return set;
  }
}
