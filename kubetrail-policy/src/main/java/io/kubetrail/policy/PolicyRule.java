package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a {@link Policy}, as written. The level and stages are kept as strings so that a rule
 * read from a file can hold values kube-apiserver rejects, for {@link PolicyValidator} to report.
 *
 * <p>Empty lists mean "no restriction", as in kube-apiserver.
 *
 * @param omitManagedFields overrides the policy's {@code omitManagedFields} when present
 */
public record PolicyRule(
    String level,
    List<String> users,
    List<String> userGroups,
    List<String> verbs,
    List<GroupResources> resources,
    List<String> namespaces,
    List<String> nonResourceURLs,
    List<String> omitStages,
    Optional<Boolean> omitManagedFields) {

  public PolicyRule {
    Objects.requireNonNull(level, "level");
    users = List.copyOf(users);
    userGroups = List.copyOf(userGroups);
    verbs = List.copyOf(verbs);
    resources = List.copyOf(resources);
    namespaces = List.copyOf(namespaces);
    nonResourceURLs = List.copyOf(nonResourceURLs);
    omitStages = List.copyOf(omitStages);
    Objects.requireNonNull(omitManagedFields, "omitManagedFields");
  }

  /** A rule with only a level: it matches every request. */
  public static PolicyRule of(Level level) {
    return of(level.name());
  }

  /** A rule with only a level, written as a string (which may be invalid). */
  public static PolicyRule of(String level) {
    return new PolicyRule(
        level,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  public PolicyRule withLevel(String newLevel) {
    return new PolicyRule(
        newLevel,
        users,
        userGroups,
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withUsers(String... values) {
    return new PolicyRule(
        level,
        List.of(values),
        userGroups,
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withUserGroups(String... values) {
    return new PolicyRule(
        level,
        users,
        List.of(values),
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withVerbs(String... values) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        List.of(values),
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withResources(GroupResources... values) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        List.of(values),
        namespaces,
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withNamespaces(String... values) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        resources,
        List.of(values),
        nonResourceURLs,
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withNonResourceURLs(String... values) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        resources,
        namespaces,
        List.of(values),
        omitStages,
        omitManagedFields);
  }

  public PolicyRule withOmitStages(Stage... stages) {
    return withOmitStages(Arrays.stream(stages).map(Stage::name).toList());
  }

  public PolicyRule withOmitStages(List<String> stages) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        stages,
        omitManagedFields);
  }

  public PolicyRule withOmitManagedFields(boolean value) {
    return new PolicyRule(
        level,
        users,
        userGroups,
        verbs,
        resources,
        namespaces,
        nonResourceURLs,
        omitStages,
        Optional.of(value));
  }
}
