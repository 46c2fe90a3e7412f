package io.kubetrail.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads policy files the way kube-apiserver reads {@code --audit-policy-file} ({@code
 * k8s.io/apiserver/pkg/audit/policy/reader.go}):
 *
 * <ol>
 *   <li>Decode strictly. Unknown or duplicate fields are warnings (with their field path), and the
 *       policy is decoded leniently: unknown fields are ignored and the last of duplicate fields
 *       wins. Any other decoding problem (bad syntax, a value of the wrong type) is fatal and names
 *       the line.
 *   <li>The document must be {@code kind: Policy} in {@code audit.k8s.io/v1}. The deprecated {@code
 *       v1beta1} and {@code v1alpha1} (same schema) load with a warning that kube-apiserver 1.24
 *       and later reject them.
 *   <li>Validate ({@link PolicyValidator}); every error is reported, not just the first.
 *   <li>Refuse a policy with no rules, as kube-apiserver does.
 * </ol>
 *
 * <p>A document starting with <code>{</code> is read as JSON, anything else as YAML.
 */
public final class PolicyLoader {
  static final Set<String> KNOWN_VERSIONS = Set.of(Policy.V1, Policy.V1BETA1, Policy.V1ALPHA1);

  private PolicyLoader() {}

  /**
   * Reads and checks a policy file.
   *
   * @throws IOException when the file cannot be read
   * @throws PolicyException when kube-apiserver would refuse the policy
   */
  public static LoadedPolicy load(Path file) throws IOException, PolicyException {
    return load(Files.readAllBytes(file), file.toString());
  }

  /** Reads and checks a policy held in a string; {@code source} names it in messages. */
  public static LoadedPolicy load(String content, String source) throws PolicyException {
    return load(content.getBytes(StandardCharsets.UTF_8), source);
  }

  /** Reads and checks a policy held in memory; {@code source} names it in messages. */
  public static LoadedPolicy load(byte[] content, String source) throws PolicyException {
    PolicyDecoder decoder = new PolicyDecoder(source);
    Policy policy = decoder.decode(content);
    List<String> warnings = new ArrayList<>(decoder.warnings());
    if (!policy.apiVersion().equals(Policy.V1)) {
      warnings.add(
          source
              + ": "
              + policy.apiVersion()
              + " is deprecated: kube-apiserver 1.24 and later only accept "
              + Policy.V1
              + " (the Policy schema is the same: change apiVersion to "
              + Policy.V1
              + ")");
    }
    List<String> problems = new ArrayList<>();
    for (FieldError error : PolicyValidator.validate(policy)) {
      problems.add(decoder.position(error.field()) + ": " + error);
    }
    if (policy.rules().isEmpty()) {
      // kube-apiserver's own words.
      problems.add(source + ": loaded illegal policy with 0 rules");
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new LoadedPolicy(policy, source, warnings);
  }
}
