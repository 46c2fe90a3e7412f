package io.kubetrail.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * An access key from a Kubernetes Secret's YAML, as Calico's {@code
 * tigera-eks-log-forwarder-secret} holds it: {@code data.aws-id} and {@code data.aws-key}, base64
 * (or {@code stringData}, plain).
 */
final class AwsSecret {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private AwsSecret() {}

  /**
   * @throws IOException when the file cannot be read or lacks a key, naming the field
   */
  static AwsBasicCredentials read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      return AwsBasicCredentials.create(mounted(file, "aws-id"), mounted(file, "aws-key"));
    }
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not a Secret in YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + ": expected a Secret with data.aws-id and data.aws-key");
    }
    return AwsBasicCredentials.create(value(file, root, "aws-id"), value(file, root, "aws-key"));
  }

  private static String mounted(Path dir, String key) throws IOException {
    Path file = dir.resolve(key);
    if (!Files.isRegularFile(file)) {
      throw new IOException(dir + ": " + key + ": missing: the mounted Secret must hold " + key);
    }
    String value = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (value.isEmpty()) {
      throw new IOException(dir + ": " + key + ": empty");
    }
    return value;
  }

  private static String value(Path file, JsonNode root, String key) throws IOException {
    JsonNode plain = root.path("stringData").get(key);
    if (plain != null && plain.isTextual() && !plain.asText().isBlank()) {
      return plain.asText().trim();
    }
    JsonNode encoded = root.path("data").get(key);
    if (encoded == null || !encoded.isTextual() || encoded.asText().isBlank()) {
      throw new IOException(file + ": data." + key + ": missing: the Secret must hold " + key);
    }
    try {
      String text =
          new String(
              Base64.getDecoder().decode(encoded.asText().replaceAll("\\s", "")),
              StandardCharsets.UTF_8);
      if (text.isBlank()) {
        throw new IOException(file + ": data." + key + ": empty");
      }
      return text.trim();
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": data." + key + ": not base64: " + e.getMessage(), e);
    }
  }
}
