package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilterCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POD =
      "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\","
          + "\"managedFields\":[{\"manager\":\"kubectl\"}]},\"spec\":{}}";

  /** Pods at RequestResponse with managed fields dropped, secrets at Metadata, the rest None. */
  private static final String POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
      - level: RequestResponse
        omitManagedFields: true
        resources:
        - group: ""
          resources: [pods]
      - level: Metadata
        resources:
        - group: ""
          resources: [secrets]
      """;

  @TempDir Path dir;
  private Path policy;

  @BeforeEach
  void writePolicy() throws IOException {
    policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
  }

  /** One compact v1 event line, as kube-apiserver's log backend writes it. */
  static String event(
      String id, String level, String stage, String verb, String resource, String bodies) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\""
        + level
        + "\",\"auditID\":\""
        + id
        + "\",\"stage\":\""
        + stage
        + "\",\"requestURI\":\"/api/v1/namespaces/default/"
        + resource
        + "\",\"verb\":\""
        + verb
        + "\",\"user\":{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]},"
        + "\"sourceIPs\":[\"10.0.0.1\"],\"userAgent\":\"kubectl/v1.31.0\","
        + "\"objectRef\":{\"resource\":\""
        + resource
        + "\",\"namespace\":\"default\",\"name\":\"web\",\"apiVersion\":\"v1\"},"
        + "\"responseStatus\":{\"metadata\":{},\"code\":200},"
        + bodies
        + "\"requestReceivedTimestamp\":\"2026-03-01T10:00:00.000000Z\","
        + "\"stageTimestamp\":\"2026-03-01T10:00:00.010000Z\","
        + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
        + "\"note\":\"caf\u00e9 \u65e5\u672c\"}}";
  }

  private static byte[] lines(String... lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static List<JsonNode> events(CliRunner.Result r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  @Test
  void keepsStampsAndStripsEventsInInputOrder() throws IOException {
    String bodies = "\"requestObject\":" + POD + ",\"responseObject\":" + POD + ",";
    String pod = event("1", "RequestResponse", "ResponseComplete", "update", "pods", bodies);
    String secret = event("2", "RequestResponse", "ResponseComplete", "get", "secrets", bodies);
    String config = event("3", "Metadata", "ResponseComplete", "get", "configmaps", "");
    String received = event("4", "RequestResponse", "RequestReceived", "update", "pods", "");
    String podMetadata = event("5", "Metadata", "ResponseComplete", "delete", "pods", "");

    CliRunner.Result r =
        CliRunner.run(
            lines(pod, secret, config, received, podMetadata),
            "policy",
            "filter",
            "--policy",
            policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    List<JsonNode> out = events(r);
    assertThat(out).map(e -> e.get("auditID").asText()).containsExactly("1", "2", "5");
    // Pods: full bodies, managed fields gone.
    assertThat(out.get(0).get("level").asText()).isEqualTo("RequestResponse");
    assertThat(out.get(0).at("/requestObject/metadata").has("managedFields")).isFalse();
    assertThat(out.get(0).at("/responseObject/metadata/name").asText()).isEqualTo("web");
    // Secrets: stamped Metadata, no bodies.
    assertThat(out.get(1).get("level").asText()).isEqualTo("Metadata");
    assertThat(out.get(1).has("requestObject")).isFalse();
    assertThat(out.get(1).has("responseObject")).isFalse();
    // Never raised above what was logged; kept byte for byte when nothing changes.
    assertThat(out.get(2).get("level").asText()).isEqualTo("Metadata");
    assertThat(r.stdout().split("\n")[2]).isEqualTo(podMetadata);
    assertThat(out.get(1).at("/annotations/note").asText()).isEqualTo("caf\u00e9 \u65e5\u672c");

    assertThat(r.stderr())
        .contains("events in: 5 (")
        .contains("events out: 3 (" + r.stdoutBytes().length + " bytes written)")
        .contains("dropped: 1 at level None, 1 at an omitted stage")
        .containsPattern("(?m)^  rules\\[0\\] RequestResponse +3$")
        .containsPattern("(?m)^  rules\\[1\\] Metadata +1$")
        .containsPattern("(?m)^  no rule matched \\(None\\) +1$")
        .doesNotContain("rejected");
  }

  @Test
  void rejectedRecordsAreReportedAndTheRestIsKept() {
    String good = event("1", "Metadata", "ResponseComplete", "get", "pods", "");
    List<String> input = new ArrayList<>(List.of(good, "{\"kind\":0}", "not json", good));
    for (int i = 0; i < 12; i++) {
      input.add("{\"broken\":" + i + "}");
    }

    CliRunner.Result r =
        CliRunner.run(
            lines(input.toArray(String[]::new)), "policy", "filter", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.stdout().split("\n")).containsExactly(good, good);
    assertThat(r.stderr())
        .contains("rejected: 14 records")
        .contains("  <stdin>:2: ")
        .contains("  <stdin>:3: ")
        .contains("  ... and 4 more");
    assertThat(r.stderr().lines().filter(l -> l.startsWith("  <stdin>:"))).hasSize(10);
  }

  @Test
  void readsFilesGzipAndStandardInputInTheOrderGiven() throws IOException {
    Path plain = dir.resolve("a.log");
    Files.write(plain, lines(event("a", "Metadata", "ResponseComplete", "get", "pods", "")));
    Path gz = dir.resolve("b.log.gz");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (OutputStream zip = new GZIPOutputStream(buffer)) {
      zip.write(lines(event("b", "Metadata", "ResponseComplete", "get", "secrets", "")));
    }
    Files.write(gz, buffer.toByteArray());
    byte[] stdin = lines(event("c", "Metadata", "ResponseComplete", "list", "pods", ""));

    CliRunner.Result r =
        CliRunner.run(
            stdin,
            "policy",
            "filter",
            "--policy",
            policy.toString(),
            plain.toString(),
            gz.toString(),
            "-");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(events(r)).map(e -> e.get("auditID").asText()).containsExactly("a", "b", "c");
  }

  @Test
  void aBadPolicyStopsBeforeReadingAnything() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n");

    CliRunner.Result r =
        CliRunner.run(
            lines(event("1", "Metadata", "ResponseComplete", "get", "pods", "")),
            "policy",
            "filter",
            "--policy",
            bad.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stdoutBytes()).isEmpty();
    assertThat(r.stderr()).startsWith("error: " + bad + ":4: rules[0].level: Unsupported value");
  }

  @Test
  void aMissingInputFileIsAUsageError() {
    Path missing = dir.resolve("missing.log");

    CliRunner.Result r =
        CliRunner.run("policy", "filter", "--policy", policy.toString(), missing.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).isEqualTo("error: " + missing + " does not exist\n");
  }

  @Test
  void aDirectoryIsAUsageError() {
    CliRunner.Result r =
        CliRunner.run("policy", "filter", "--policy", policy.toString(), dir.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).isEqualTo("error: " + dir + " is a directory\n");
  }

  @Test
  void decodeLimitsApply() {
    String big = event("1", "Metadata", "ResponseComplete", "get", "pods", "");

    CliRunner.Result r =
        CliRunner.run(
            lines(big), "policy", "filter", "--policy", policy.toString(), "--max-event-bytes=100");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.stderr()).contains("<stdin>:1: ").contains("--max-event-bytes");
  }

  @Test
  void theAudit2rbacDemoLogUnderTheGkeProfile() throws IOException {
    String root = System.getProperty("kubetrail.testdata", "");
    Path log = Path.of(root, "audit2rbac/demo-v1beta1-2017.log");
    assumeTrue(!root.isEmpty() && Files.isRegularFile(log), "shared test data not present");
    Path gke = dir.resolve("gke.yaml");
    Files.write(gke, CliRunner.run("policy", "generate", "--profile", "gke").stdoutBytes());
    long lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).count();
    long requestReceived =
        Files.readAllLines(log).stream().filter(l -> l.contains("\"RequestReceived\"")).count();

    CliRunner.Result r =
        CliRunner.run("policy", "filter", "--policy", gke.toString(), log.toString());

    assertThat(r.exitCode()).as("%s", r.stderr()).isEqualTo(ExitCodes.OK);
    List<JsonNode> out = events(r);
    // Every GKE rule that matches these requests omits RequestReceived; nothing else drops.
    assertThat(r.stderr()).contains("events in: " + lines + " (");
    assertThat(out).hasSize((int) (lines - requestReceived));
    assertThat(out)
        .allSatisfy(e -> assertThat(e.get("stage").asText()).isNotEqualTo("RequestReceived"));
    assertThat(out).allSatisfy(e -> assertThat(e.get("level").asText()).isEqualTo("Metadata"));
  }

  @Test
  void helpDescribesTheCommand() {
    CliRunner.Result r = CliRunner.run("policy", "filter", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout())
        .contains("Apply an audit policy to audit events")
        .contains("--max-event-bytes")
        .contains("Exit status");
  }
}
