package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * kube-apiserver's audit policy validation ({@code ValidatePolicy} in {@code
 * k8s.io/apiserver/pkg/apis/audit/validation}): the same checks, in the same order, with the same
 * field paths and messages. Users, verbs, namespaces and resource strings are not checked, as in
 * kube-apiserver.
 *
 * <p>One difference by design: {@code group: "*"} is accepted, as kube-apiserver 1.36 and later
 * accept it (earlier servers reject it as an invalid DNS subdomain).
 */
public final class PolicyValidator {
  private static final String VALID_LEVELS =
      Arrays.stream(Level.values())
          .map(l -> GoFormat.quote(l.name()))
          .collect(Collectors.joining(", "));
  private static final String VALID_STAGES =
      Arrays.stream(Stage.values()).map(Stage::name).collect(Collectors.joining(","));

  // k8s.io/apimachinery IsDNS1123Subdomain.
  private static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final Pattern DNS1123_SUBDOMAIN_PATTERN = Pattern.compile(DNS1123_SUBDOMAIN);
  private static final String DNS1123_SUBDOMAIN_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com',"
          + " regex used for validation is '"
          + DNS1123_SUBDOMAIN
          + "')";

  private PolicyValidator() {}

  /** Every problem kube-apiserver would report for this policy; empty when it is valid. */
  public static List<FieldError> validate(Policy policy) {
    List<FieldError> errors = new ArrayList<>();
    validateOmitStages(policy.omitStages(), "omitStages", errors);
    for (int i = 0; i < policy.rules().size(); i++) {
      validateRule(policy.rules().get(i), "rules[" + i + "]", errors);
    }
    return List.copyOf(errors);
  }

  private static void validateRule(PolicyRule rule, String path, List<FieldError> errors) {
    validateLevel(rule.level(), path + ".level", errors);
    validateNonResourceURLs(rule.nonResourceURLs(), path + ".nonResourceURLs", errors);
    validateResources(rule.resources(), path + ".resources", errors);
    validateOmitStages(rule.omitStages(), path + ".omitStages", errors);
    if (!rule.nonResourceURLs().isEmpty()
        && (!rule.resources().isEmpty() || !rule.namespaces().isEmpty())) {
      errors.add(
          invalid(
              path + ".nonResourceURLs",
              GoFormat.stringSlice(rule.nonResourceURLs()),
              "rules cannot apply to both regular resources and non-resource URLs"));
    }
  }

  private static void validateLevel(String level, String path, List<FieldError> errors) {
    if (level.isEmpty()) {
      errors.add(new FieldError(FieldError.Type.REQUIRED, path, "Required value"));
    } else if (!isLevel(level)) {
      errors.add(
          new FieldError(
              FieldError.Type.NOT_SUPPORTED,
              path,
              "Unsupported value: "
                  + GoFormat.quote(level)
                  + ": supported values: "
                  + VALID_LEVELS));
    }
  }

  private static void validateNonResourceURLs(
      List<String> urls, String path, List<FieldError> errors) {
    for (int i = 0; i < urls.size(); i++) {
      String url = urls.get(i);
      if (url.equals("*")) {
        continue;
      }
      String at = path + "[" + i + "]";
      if (!url.startsWith("/")) {
        errors.add(
            invalid(
                at, GoFormat.quote(url), "non-resource URL rules must begin with a '/' character"));
      }
      if (!url.isEmpty() && url.substring(0, url.length() - 1).indexOf('*') >= 0) {
        errors.add(
            invalid(
                at,
                GoFormat.quote(url),
                "non-resource URL wildcards '*' must be the final character of the rule"));
      }
    }
  }

  private static void validateResources(
      List<GroupResources> groups, String path, List<FieldError> errors) {
    // kube-apiserver's paths here carry no index: "rules[0].resources.group".
    for (GroupResources gr : groups) {
      String group = gr.group();
      if (!group.isEmpty() && !group.equals("*")) {
        List<String> problems = new ArrayList<>();
        if (group.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
          problems.add("must be no more than " + DNS1123_SUBDOMAIN_MAX_LENGTH + " characters");
        }
        if (!DNS1123_SUBDOMAIN_PATTERN.matcher(group).matches()) {
          problems.add(DNS1123_SUBDOMAIN_MESSAGE);
        }
        if (!problems.isEmpty()) {
          errors.add(invalid(path + ".group", GoFormat.quote(group), String.join(",", problems)));
        }
      }
      if (!gr.resourceNames().isEmpty() && gr.resources().isEmpty()) {
        errors.add(
            invalid(
                path + ".resourceNames",
                GoFormat.stringSlice(gr.resourceNames()),
                "using resourceNames requires at least one resource"));
      }
    }
  }

  private static void validateOmitStages(
      List<String> stages, String path, List<FieldError> errors) {
    for (int i = 0; i < stages.size(); i++) {
      String stage = stages.get(i);
      if (!isStage(stage)) {
        errors.add(
            invalid(
                path + "[" + i + "]", GoFormat.quote(stage), "allowed stages are " + VALID_STAGES));
      }
    }
  }

  private static FieldError invalid(String path, String renderedValue, String detail) {
    return new FieldError(
        FieldError.Type.INVALID, path, "Invalid value: " + renderedValue + ": " + detail);
  }

  static boolean isLevel(String s) {
    for (Level l : Level.values()) {
      if (l.name().equals(s)) {
        return true;
      }
    }
    return false;
  }

  static boolean isStage(String s) {
    for (Stage st : Stage.values()) {
      if (st.name().equals(s)) {
        return true;
      }
    }
    return false;
  }
}
