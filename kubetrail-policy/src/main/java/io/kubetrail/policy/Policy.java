package io.kubetrail.policy;

import io.kubetrail.event.Stage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An {@code audit.k8s.io} Policy, as written in a policy file: which requests kube-apiserver
 * audits, at which level, and which stages it leaves out. The schema is the same in {@code v1},
 * {@code v1beta1} and {@code v1alpha1}.
 *
 * <p>A policy built in code or read by {@link PolicyLoader} may be invalid; {@link PolicyValidator}
 * says why, and {@link PolicyEvaluator#of} accepts only valid ones.
 *
 * @param apiVersion the version the policy was written in, e.g. {@code audit.k8s.io/v1}
 * @param omitStages stages no event is written for, whatever rule matches (as written)
 * @param omitManagedFields whether request and response bodies lose {@code metadata.managedFields},
 *     unless a rule says otherwise
 * @param rules the rules; the first that matches a request decides its level
 */
public record Policy(
    String apiVersion, List<String> omitStages, boolean omitManagedFields, List<PolicyRule> rules) {

  /** The only version kube-apiserver 1.24 and later accept. */
  public static final String V1 = "audit.k8s.io/v1";

  /** Deprecated in Kubernetes 1.21, removed in 1.24. */
  public static final String V1BETA1 = "audit.k8s.io/v1beta1";

  /** Deprecated in Kubernetes 1.21, removed in 1.24. */
  public static final String V1ALPHA1 = "audit.k8s.io/v1alpha1";

  public Policy {
    Objects.requireNonNull(apiVersion, "apiVersion");
    omitStages = List.copyOf(omitStages);
    rules = List.copyOf(rules);
  }

  /** An {@code audit.k8s.io/v1} policy with these rules and nothing else. */
  public static Policy of(PolicyRule... rules) {
    return new Policy(V1, List.of(), false, List.of(rules));
  }

  public Policy withOmitStages(Stage... stages) {
    return new Policy(
        apiVersion, Arrays.stream(stages).map(Stage::name).toList(), omitManagedFields, rules);
  }

  public Policy withOmitManagedFields(boolean value) {
    return new Policy(apiVersion, omitStages, value, rules);
  }

  public Policy withApiVersion(String version) {
    return new Policy(version, omitStages, omitManagedFields, rules);
  }

  /**
   * This policy as an {@code audit.k8s.io/v1} YAML document, whatever version it was written in
   * (the schema is the same), ready for {@code --audit-policy-file}.
   */
  public String toYaml() {
    return PolicyYamlWriter.write(this);
  }
}
