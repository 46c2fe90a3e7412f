package io.kubetrail.policy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One {@code resources} entry of a rule, precompiled; {@link CompiledRule} matches its API group.
 * kube-apiserver compares each resource string with {@code resource} or {@code
 * resource/subresource}, and accepts {@code "*"}, <code>
 * "*&#47;sub"</code> and {@code "res/*"}; here those comparisons become set lookups that need no
 * string concatenation.
 */
final class CompiledGroupResources {
  private final boolean anyResource;
  private final Set<String> names;
  private final boolean star;
  // Resource strings without '/': equal to the resource of a request with no subresource.
  private final Set<String> plain = new HashSet<>();
  // Resource strings with '/', split at the first '/': resource -> subresources.
  private final Map<String, Set<String>> withSubresource = new HashMap<>();
  // Resource strings with '/', whole, for requests whose resource itself contains '/'.
  private final Set<String> combined = new HashSet<>();
  // "*/x": x.
  private final Set<String> anyResourceWithSubresource = new HashSet<>();
  // "x/*": x (the code never checks that there is a subresource, so plain "x" matches too).
  private final Set<String> anySubresourceOf = new HashSet<>();

  CompiledGroupResources(GroupResources gr) {
    this.anyResource = gr.resources().isEmpty();
    this.names = gr.resourceNames().isEmpty() ? null : Set.copyOf(gr.resourceNames());
    boolean anyStar = false;
    for (String res : gr.resources()) {
      if (res.equals("*")) {
        anyStar = true;
      }
      int slash = res.indexOf('/');
      if (slash < 0) {
        plain.add(res);
      } else {
        combined.add(res);
        withSubresource
            .computeIfAbsent(res.substring(0, slash), k -> new HashSet<>())
            .add(res.substring(slash + 1));
      }
      if (res.startsWith("*/")) {
        anyResourceWithSubresource.add(res.substring(2));
      }
      if (res.endsWith("/*")) {
        anySubresourceOf.add(res.substring(0, res.length() - 2));
      }
    }
    this.star = anyStar;
  }

  /** Whether the entry matches; the caller has matched the API group already. */
  boolean matches(String resource, String subresource, String name) {
    if (anyResource) {
      return true;
    }
    if (names != null && !names.contains(name)) {
      return false;
    }
    if (star) {
      return true;
    }
    if (subresource.isEmpty()) {
      if (plain.contains(resource)) {
        return true;
      }
      if (resource.indexOf('/') >= 0 && combined.contains(resource)) {
        return true;
      }
    } else {
      if (resource.indexOf('/') < 0) {
        Set<String> subs = withSubresource.get(resource);
        if (subs != null && subs.contains(subresource)) {
          return true;
        }
      } else if (combined.contains(resource + "/" + subresource)) {
        // Not a real Kubernetes resource name; exactness over speed.
        return true;
      }
      if (anyResourceWithSubresource.contains(subresource)) {
        return true;
      }
    }
    return anySubresourceOf.contains(resource);
  }
}
