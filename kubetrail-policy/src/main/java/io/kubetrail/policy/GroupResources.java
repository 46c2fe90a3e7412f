package io.kubetrail.policy;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a rule's {@code resources}: an API group and resources in it.
 *
 * @param group the API group; empty for the core group, {@code "*"} for every group
 * @param resources resources, {@code "resource/subresource"}, {@code "*"}, {@code "resource/*"} or
 *     <code>"*&#47;subresource"</code>; empty means every resource in the group
 * @param resourceNames object names; empty means every object
 */
public record GroupResources(String group, List<String> resources, List<String> resourceNames) {

  public GroupResources {
    Objects.requireNonNull(group, "group");
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
  }

  /** Resources of one group, every object. */
  public static GroupResources of(String group, String... resources) {
    return new GroupResources(group, List.of(resources), List.of());
  }

  public GroupResources withResourceNames(String... names) {
    return new GroupResources(group, resources, List.of(names));
  }
}
