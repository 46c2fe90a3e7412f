package io.kubetrail.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

class AwsSecretTest {
  @TempDir Path dir;

  @Test
  void readsTheSecretsYamlWithBase64Data() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("s.yaml"),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: tigera-eks-log-forwarder-secret,"
                + " namespace: tigera-operator}\ndata:\n  aws-id: QUtJQUVYQU1QTEU=\n"
                + "  aws-key: c2VjcmV0LWtleQo=\n");
    AwsBasicCredentials c = AwsSecret.read(file);
    assertThat(c.accessKeyId()).isEqualTo("AKIAEXAMPLE");
    assertThat(c.secretAccessKey()).isEqualTo("secret-key");
  }

  @Test
  void readsAMountedSecretsFiles() throws IOException {
    Files.writeString(dir.resolve("aws-id"), "AKIAEXAMPLE\n");
    Files.writeString(dir.resolve("aws-key"), "k");
    assertThat(AwsSecret.read(dir).accessKeyId()).isEqualTo("AKIAEXAMPLE");
  }

  @Test
  void namesTheMissingKey() throws IOException {
    Path file = Files.writeString(dir.resolve("s.yaml"), "data: {aws-id: QUtJQQ==}\n");
    assertThatThrownBy(() -> AwsSecret.read(file))
        .hasMessage(file + ": data.aws-key: missing: the Secret must hold aws-key");
    Path bad = Files.writeString(dir.resolve("b.yaml"), "data: {aws-id: '***', aws-key: a}\n");
    assertThatThrownBy(() -> AwsSecret.read(bad)).hasMessageContaining("data.aws-id: not base64");
  }
}
