package io.kubetrail.collect.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The kubeconfig that kube-apiserver's {@code --audit-webhook-config-file} takes to post its audit
 * events to a {@link WebhookSource}: one cluster (the server URL, which kube-apiserver posts to
 * exactly as given, and the CA that signed the webhook's certificate), one user (a bearer token,
 * when the webhook has a {@code tokenFile}), one context, selected.
 *
 * <p>kube-apiserver reads the file once at start; it holds the token itself, so keep it readable by
 * kube-apiserver only.
 */
public final class WebhookKubeconfig {
  static final String NAME = "kubetrail";

  private WebhookKubeconfig() {}

  /**
   * The kubeconfig YAML.
   *
   * @param server the webhook's URL; must be {@code https://}
   * @param caFile a PEM file with the CA certificate(s) that signed the webhook's certificate
   * @param tokenFile a file holding the bearer token, when the webhook requires one
   * @throws IllegalArgumentException when {@code server} is not an https URL, or a file holds
   *     nothing usable
   * @throws IOException when a file cannot be read
   */
  public static String yaml(String server, Path caFile, Optional<Path> tokenFile)
      throws IOException {
    URI uri = httpsUri(server);
    Pem.certificates(caFile, "certificate authority file");
    byte[] ca = Files.readAllBytes(caFile);
    Optional<String> token = Optional.empty();
    if (tokenFile.isPresent()) {
      String text = Files.readString(tokenFile.get(), StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        throw new IllegalArgumentException("token file " + tokenFile.get() + " is empty");
      }
      if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException(
            "token file " + tokenFile.get() + " holds more than one line or control characters");
      }
      token = Optional.of(text);
    }
    StringBuilder y = new StringBuilder();
    y.append("# kube-apiserver --audit-webhook-config-file: post audit events to kubetrail\n");
    y.append("apiVersion: v1\n");
    y.append("kind: Config\n");
    y.append("clusters:\n");
    y.append("- name: ").append(NAME).append('\n');
    y.append("  cluster:\n");
    y.append("    server: ").append(quote(uri.toString())).append('\n');
    y.append("    certificate-authority-data: ")
        .append(Base64.getEncoder().encodeToString(ca))
        .append('\n');
    y.append("users:\n");
    y.append("- name: kube-apiserver\n");
    if (token.isPresent()) {
      y.append("  user:\n");
      y.append("    token: ").append(quote(token.get())).append('\n');
    } else {
      y.append("  user: {}\n");
    }
    y.append("contexts:\n");
    y.append("- name: ").append(NAME).append('\n');
    y.append("  context:\n");
    y.append("    cluster: ").append(NAME).append('\n');
    y.append("    user: kube-apiserver\n");
    y.append("current-context: ").append(NAME).append('\n');
    return y.toString();
  }

  private static URI httpsUri(String server) {
    URI uri;
    try {
      uri = new URI(server);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("server: not a URL: " + server, e);
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "server: expected an https:// URL with a host (kube-apiserver sends audit events over"
              + " TLS), got "
              + server);
    }
    return uri;
  }

  /** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
  private static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        q.append('\\');
      }
      q.append(c);
    }
    return q.append('"').toString();
  }
}
