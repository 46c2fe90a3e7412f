package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.policy.PolicyException;
import io.kubetrail.policy.PolicyLoader;
import io.kubetrail.policy.PolicyProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PolicyGenerateCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(PolicyProfile.class)
  void writesTheProfileAsAValidPolicy(PolicyProfile profile) throws IOException, PolicyException {
    CliRunner.Result generated =
        CliRunner.run("policy", "generate", "--profile", profile.profileName());
    Path file = dir.resolve(profile.profileName() + ".yaml");
    Files.write(file, generated.stdoutBytes());

    CliRunner.Result checked = CliRunner.run("policy", "check", "--policy", file.toString());

    assertThat(generated.exitCode()).as("%s", generated).isEqualTo(ExitCodes.OK);
    assertThat(generated.stderr()).isEmpty();
    assertThat(generated.stdout())
        .startsWith("# kubetrail policy profile \"" + profile.profileName() + "\": ")
        .contains("apiVersion: audit.k8s.io/v1\nkind: Policy\n");
    assertThat(PolicyLoader.load(file).policy()).isEqualTo(profile.policy());
    assertThat(checked.exitCode()).as("%s", checked).isEqualTo(ExitCodes.OK);
    // Coverage gaps are warnings only (PolicyCheckCommandTest lists each profile's).
    assertThat(checked.stderr().lines())
        .as("%s", checked)
        .allMatch(l -> l.startsWith("warning: " + PolicyCheckCommand.NEED_REQUEST_RESPONSE));
  }

  @Test
  void anUnknownProfileIsAUsageError() {
    CliRunner.Result r = CliRunner.run("policy", "generate", "--profile", "strict");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .isEqualTo("error: unknown profile \"strict\": choose one of calico, gke, cis\n");
  }

  @Test
  void helpNamesTheProfiles() {
    CliRunner.Result r = CliRunner.run("policy", "generate", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout())
        .contains("Write a ready-made audit policy (audit.k8s.io/v1 YAML).")
        .contains("calico, gke, cis");
  }
}
