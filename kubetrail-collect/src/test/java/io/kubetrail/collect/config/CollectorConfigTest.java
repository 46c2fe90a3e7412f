package io.kubetrail.collect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.webhook.WebhookOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {
  @TempDir Path dir;

  private CollectorConfig load(String yaml) throws Exception {
    return CollectorConfig.load(Files.writeString(dir.resolve("collect.yaml"), yaml));
  }

  private ConfigException problems(String yaml) {
    return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
  }

  @Test
  void readsEveryFieldAndResolvesPathsFromTheFilesDirectory() throws Exception {
    CollectorConfig c =
        load(
            """
            store: ./data
            cluster: prod-eu-1
            policy: policy.yaml
            redactSecrets: false
            metrics: 127.0.0.1:9090
            deadLetter: ./data/dead-letter.jsonl
            limits: {maxEventBytes: 1048576}
            reports: ./reports.yaml
            sources:
              - file: {path: /var/log/kube-audit.log}
              - file: {path: audit2.log, pollMillis: 100}
              - webhook: {listen: 0.0.0.0:8443, tlsCert: tls.crt, tlsKey: tls.key, clientCA: ca.crt, tokenFile: token}
            """);

    assertThat(c.destination())
        .isEqualTo(new CollectorConfig.Store(dir.resolve("data").toString()));
    assertThat(c.cluster()).isEqualTo("prod-eu-1");
    assertThat(c.policy()).contains(dir.resolve("policy.yaml"));
    assertThat(c.redactSecrets()).isFalse();
    assertThat(c.metrics().get().listen()).isEqualTo(new Endpoint("127.0.0.1", 9090));
    assertThat(c.deadLetter()).contains(dir.resolve("data/dead-letter.jsonl"));
    assertThat(c.limits().maxEventBytes()).isEqualTo(1048576);
    assertThat(c.reports()).contains(dir.resolve("reports.yaml"));
    assertThat(c.sources())
        .containsExactly(
            new CollectorConfig.FileSource(Path.of("/var/log/kube-audit.log"), 250),
            new CollectorConfig.FileSource(dir.resolve("audit2.log"), 100),
            new CollectorConfig.WebhookSource(
                WebhookOptions.listen("0.0.0.0:8443")
                    .withTls(dir.resolve("tls.crt"), dir.resolve("tls.key"))
                    .withClientCA(dir.resolve("ca.crt"))
                    .withTokenFile(dir.resolve("token"))));
  }

  @Test
  void defaultsKeepSecretsRedactedForClusterDefault() throws Exception {
    CollectorConfig c = load("store: data\nsources:\n  - file: {path: a.log}\n");
    assertThat(c.cluster()).isEqualTo("default");
    assertThat(c.redactSecrets()).isTrue();
    assertThat(c.metrics()).isEmpty();
    assertThat(c.deadLetter()).isEmpty();
  }

  @Test
  void forwardingNeedsAnHttpsUrlAndAPositionsFile() throws Exception {
    CollectorConfig c =
        load(
            """
            forward: {url: "https://kubetrail.example:8443", ca: ca.crt, tokenFile: token, positions: /var/lib/kubetrail/positions.json}
            sources: [{file: {path: a.log}}]
            """);
    assertThat(c.destination())
        .isEqualTo(
            new CollectorConfig.Forward(
                URI.create("https://kubetrail.example:8443"),
                Optional.of(dir.resolve("ca.crt")),
                Optional.of(dir.resolve("token")),
                Path.of("/var/lib/kubetrail/positions.json")));

    assertThat(
            problems("forward: {url: \"http://x:8443\"}\nsources: [{file: {path: a.log}}]\n")
                .problems())
        .containsExactlyInAnyOrder(
            "forward.url: expected an https URL, e.g. https://kubetrail.example:8443, got"
                + " 'http://x:8443'",
            "forward.positions: missing: the file where the positions reached in each source are"
                + " kept (on a volume that outlives the collector)");
    assertThat(
            problems(
                    "forward: {url: \"https://x:8443\", positions: p.json}\nreports: r.yaml\n"
                        + "sources: [{file: {path: a.log}}]\n")
                .problems())
        .containsExactly(
            "reports: only a collector with a store makes reports; the central kubetrail it"
                + " forwards to can");
  }

  @Test
  void namesEveryBadFieldWithItsPathAndWhatIsAllowed() {
    ConfigException e =
        problems(
            """
            store: data
            stor: typo
            redactSecrets: "yes"
            metrics: 0.0.0.0:9090
            limits: {maxEventBytes: -1}
            sources:
              - file: {pth: a.log}
              - webhook: {listen: 0.0.0.0:8443}
              - s3: {bucket: b}
              - webhook: {listen: "8443"}
            """);
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "stor: unknown field (allowed: cluster, deadLetter, forward, limits, metrics, policy,"
                + " redactSecrets, reports, sources, store)",
            "redactSecrets: expected true or false, got \"yes\"",
            "metrics: 0.0.0.0:9090 is reachable from other machines: give metrics.tokenFile (a"
                + " bearer token /metrics then requires), or listen on 127.0.0.1",
            "limits.maxEventBytes: maxEventBytes (--max-event-bytes) must be at least 64, was -1",
            "sources[0].file.pth: unknown field (allowed: path, pollMillis)",
            "sources[0].file.path: missing: the audit log file, e.g. /var/log/kube-audit.log",
            "sources[1].webhook.listen address 0.0.0.0:8443 is not loopback: set tlsCert and"
                + " tlsKey (TLS is required)",
            "sources[2]: unknown source 's3' (allowed: file, webhook)",
            "sources[3].webhook.listen: expected host:port, e.g. 127.0.0.1:9090, got '8443'");
    assertThat(e.getMessage()).startsWith(dir.resolve("collect.yaml") + ": ");
  }

  @Test
  void aStoreOrAForwardButNotBothAndAtLeastOneSource() {
    assertThat(problems("cluster: a\n").problems())
        .containsExactlyInAnyOrder(
            "store: missing: give a store directory, or forward: {url: ...} to send events to a"
                + " central kubetrail",
            "sources: expected a list with at least one source: - file: {path: ...} or -"
                + " webhook: {listen: ...}");
    assertThat(
            problems(
                    "store: a\nforward: {url: \"https://x\", positions: p}\nsources: [{file: {path: a}}]\n")
                .problems())
        .containsExactly("store and forward: give one, not both (a collector stores or forwards)");
  }

  @Test
  void aFileThatIsNotYamlOrMissingSaysSo() {
    assertThat(problems("store: [unclosed\n").getMessage()).contains("not valid YAML");
    assertThatThrownBy(() -> CollectorConfig.load(dir.resolve("missing.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("missing.yaml: no such file");
  }
}
