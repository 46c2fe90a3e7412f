package io.kubetrail.collect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.webhook.WebhookOptions;
import io.kubetrail.event.format.RecordFormat;
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
    assertThat(c.buffer()).contains(CollectorConfig.Buffer.DEFAULT);
    assertThat(c.buffer().get().options(dir.resolve("state/buffer")))
        .isEqualTo(new BufferOptions(dir.resolve("state/buffer"), 1L << 30));
  }

  @Test
  void readsTheBufferItsSizeInAnyUnitOrNone() throws Exception {
    String sources = "sources:\n  - file: {path: a.log}\n";
    assertThat(load("store: data\nbuffer: {dir: spool, maxBytes: 512MiB}\n" + sources).buffer())
        .contains(new CollectorConfig.Buffer(Optional.of(dir.resolve("spool")), 512L << 20));
    assertThat(load("store: data\nbuffer: {maxBytes: 2Gi}\n" + sources).buffer())
        .contains(new CollectorConfig.Buffer(Optional.empty(), 2L << 30));
    assertThat(load("store: data\nbuffer: {maxBytes: 65536}\n" + sources).buffer())
        .contains(new CollectorConfig.Buffer(Optional.empty(), 65536));
    assertThat(load("store: data\nbuffer: false\n" + sources).buffer()).isEmpty();
    assertThat(problems("store: data\nbuffer: {maxBytes: 1GB, size: 3}\n" + sources).problems())
        .containsExactlyInAnyOrder(
            "buffer.size: unknown field (allowed: dir, maxBytes)",
            "buffer.maxBytes: expected a size of at least 1 byte, e.g. 1073741824, 512MiB or 1GiB,"
                + " got \"1GB\"");
    assertThat(problems("store: data\nbuffer: 12\n" + sources).problems())
        .containsExactly("buffer: expected a mapping with dir and maxBytes, or false for none");
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
            "stor: unknown field (allowed: buffer, cluster, deadLetter, forward, limits, metrics,"
                + " policy, redactSecrets, reports, sources, store)",
            "redactSecrets: expected true or false, got \"yes\"",
            "metrics: 0.0.0.0:9090 is reachable from other machines: give metrics.tokenFile (a"
                + " bearer token /metrics then requires), or listen on 127.0.0.1",
            "limits.maxEventBytes: maxEventBytes (--max-event-bytes) must be at least 64, was -1",
            "sources[0].file.pth: unknown field (allowed: path, pollMillis)",
            "sources[0].file.path: missing: the audit log file, e.g. /var/log/kube-audit.log",
            "sources[1].webhook.listen address 0.0.0.0:8443 is not loopback: set tlsCert and"
                + " tlsKey (TLS is required)",
            "sources[2]: unknown source 's3' (allowed: directory, eksCloudwatchLog, file, webhook)",
            "sources[3].webhook.listen: expected host:port, e.g. 127.0.0.1:9090, got '8443'");
    assertThat(e.getMessage()).startsWith(dir.resolve("collect.yaml") + ": ");
  }

  @Test
  void aStoreOrAForwardButNotBothAndAtLeastOneSource() {
    assertThat(problems("cluster: a\n").problems())
        .containsExactlyInAnyOrder(
            "store: missing: give a store directory, or forward: {url: ...} to send events to a"
                + " central kubetrail",
            "sources: expected a list with at least one source: - file: {path: ...}, -"
                + " webhook: {listen: ...}, - directory: {path: ...} or - eksCloudwatchLog:"
                + " {...}");
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

  @Test
  void readsCloudSourcesWithCalicosDefaults() throws Exception {
    CollectorConfig c =
        load(
            """
            store: ./data
            sources:
              - eksCloudwatchLog: {region: us-west-2, groupName: /aws/eks/demo/cluster}
              - eksCloudwatchLog:
                  region: eu-west-1
                  groupName: /aws/eks/b/cluster
                  streamPrefix: kube-apiserver-audit-a
                  fetchInterval: 5
                  credentialsSecret: ./tigera-eks-log-forwarder-secret.yaml
                  endpoint: http://127.0.0.1:4566
              - directory: {path: exports}
              - directory: {path: /gke, format: gke, pollMillis: 500}
            """);
    assertThat(c.sources())
        .containsExactly(
            new CollectorConfig.EksCloudwatchLog(
                "us-west-2",
                "/aws/eks/demo/cluster",
                "kube-apiserver-audit-",
                60,
                Optional.empty(),
                Optional.empty()),
            new CollectorConfig.EksCloudwatchLog(
                "eu-west-1",
                "/aws/eks/b/cluster",
                "kube-apiserver-audit-a",
                5,
                Optional.of(dir.resolve("tigera-eks-log-forwarder-secret.yaml")),
                Optional.of(URI.create("http://127.0.0.1:4566"))),
            new CollectorConfig.DirectorySource(dir.resolve("exports"), RecordFormat.AUTO, 10_000),
            new CollectorConfig.DirectorySource(Path.of("/gke"), RecordFormat.GKE, 500));
  }

  @Test
  void namesEveryBadCloudSourceField() {
    assertThat(
            problems(
                    """
                    store: ./data
                    sources:
                      - eksCloudwatchLog: {groupName: "", fetchInterval: 0, endpoint: "ftp://x", region2: a}
                      - directory: {format: eks}
                    """)
                .problems())
        .containsExactlyInAnyOrder(
            "sources[0].eksCloudwatchLog.region2: unknown field (allowed: credentialsSecret,"
                + " endpoint, fetchInterval, groupName, region, streamPrefix)",
            "sources[0].eksCloudwatchLog.region: missing: the log group's AWS region, e.g."
                + " us-west-2",
            "sources[0].eksCloudwatchLog.groupName: must not be blank: the log group, e.g."
                + " /aws/eks/CLUSTER/cluster",
            "sources[0].eksCloudwatchLog.fetchInterval: expected a whole number of at least 1,"
                + " got 0",
            "sources[0].eksCloudwatchLog.endpoint: expected an http or https URL, e.g."
                + " https://logs.us-west-2.amazonaws.com, got 'ftp://x'",
            "sources[1].directory.path: missing: the directory exported audit logs land in",
            "sources[1].directory.format: unknown format 'eks' (allowed: audit, gke, aks, auto)");
  }
}
