package io.kubetrail.cli;

import io.kubetrail.collect.webhook.WebhookKubeconfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail webhook-config}: the kubeconfig for kube-apiserver's audit webhook. */
@Command(
    name = "webhook-config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Print a kubeconfig pointing kube-apiserver at the webhook.",
      "Give it to kube-apiserver as --audit-webhook-config-file."
    })
final class WebhookConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The webhook's https:// URL, as kube-apiserver reaches it.")
  String server;

  @Option(
      names = "--ca",
      required = true,
      paramLabel = "FILE",
      description = "PEM file of the CA that signed the webhook's TLS certificate.")
  Path ca;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File holding the bearer token the webhook requires (its tokenFile).")
  Optional<Path> tokenFile;

  @Override
  public Integer call() {
    String yaml;
    try {
      yaml = WebhookKubeconfig.yaml(server, ca, tokenFile);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage().replaceFirst("^server:", "--server:"), e);
    } catch (NoSuchFileException e) {
      throw new UsageException("file not found: " + e.getFile(), e);
    } catch (IOException e) {
      throw new UsageException(
          e.getMessage().replaceFirst("^certificate authority file:", "--ca:"), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(yaml);
    out.flush();
    return ExitCodes.OK;
  }
}
