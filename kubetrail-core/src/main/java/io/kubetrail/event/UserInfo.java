package io.kubetrail.event;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An authenticated user as recorded in an event ({@code authentication/v1 UserInfo}). Absent
 * strings are empty, never null.
 */
public record UserInfo(
    String username, String uid, List<String> groups, Map<String, List<String>> extra) {

  public UserInfo {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(uid, "uid");
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }

  public static UserInfo of(String username, String... groups) {
    return new UserInfo(username, "", List.of(groups), Map.of());
  }
}
