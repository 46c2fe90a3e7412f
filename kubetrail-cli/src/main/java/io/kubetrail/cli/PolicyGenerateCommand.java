package io.kubetrail.cli;

import io.kubetrail.policy.PolicyProfile;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail policy generate}: writes a ready-made policy. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Write a ready-made audit policy (audit.k8s.io/v1 YAML).")
final class PolicyGenerateCommand implements Callable<Integer> {
  private static final int WIDTH = 100;

  @Spec CommandSpec spec;

  @Option(
      names = "--profile",
      required = true,
      paramLabel = "PROFILE",
      completionCandidates = ProfileNames.class,
      description = {
        "Which policy: ${COMPLETION-CANDIDATES}.",
        "  calico: what Calico's audit-log documentation recommends (changes to the resources its"
            + " compliance reports replay, nothing else);",
        "  gke: the default policy of Kubernetes' GCE/GKE cluster scripts;",
        "  cis: for CIS Kubernetes Benchmark 3.2 (secrets at Metadata, changes at"
            + " RequestResponse, probes dropped)."
      })
  String profile;

  @Override
  public Integer call() {
    PolicyProfile chosen =
        PolicyProfile.byName(profile)
            .orElseThrow(
                () ->
                    new UsageException(
                        "unknown profile \""
                            + profile
                            + "\": choose one of "
                            + String.join(", ", new ProfileNames())));
    PrintWriter out = spec.commandLine().getOut();
    comment(
        "kubetrail policy profile \"" + chosen.profileName() + "\": " + chosen.description(), out);
    out.print(chosen.policy().toYaml());
    out.flush();
    return ExitCodes.OK;
  }

  /** Writes text as YAML comment lines of at most {@value #WIDTH} characters. */
  private static void comment(String text, PrintWriter out) {
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split(" ")) {
      if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
        out.println(line);
        line.setLength(1);
      }
      line.append(' ').append(word);
    }
    out.println(line);
  }

  /** The profile names, for help and completion. */
  static final class ProfileNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(PolicyProfile.values())
          .map(PolicyProfile::profileName)
          .collect(Collectors.toList())
          .iterator();
    }
  }
}
