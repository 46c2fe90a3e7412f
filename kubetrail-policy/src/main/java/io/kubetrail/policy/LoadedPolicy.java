package io.kubetrail.policy;

import java.util.List;
import java.util.Objects;

/**
 * A valid policy read from a file, and what kube-apiserver would have warned about while reading it
 * (unknown or duplicate fields, a deprecated version).
 *
 * @param source the file name used in messages
 * @param warnings one line each, naming the file, line and field path
 */
public record LoadedPolicy(Policy policy, String source, List<String> warnings) {
  public LoadedPolicy {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(source, "source");
    warnings = List.copyOf(warnings);
  }
}
