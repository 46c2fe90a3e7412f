package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigCommandTest {
  @TempDir Path dir;
  private Path ca;

  @BeforeEach
  void caFile() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair keys = g.generateKeyPair();
    X500Name name = new X500Name("CN=kubetrail CA");
    Instant now = Instant.now();
    var cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(now),
                        Date.from(now.plusSeconds(3600)),
                        name,
                        keys.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(cert);
    }
    ca = Files.writeString(dir.resolve("ca.crt"), pem.toString(), StandardCharsets.US_ASCII);
  }

  @Test
  void printsAKubeconfigWithTheCaAndToken() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "abc\"123\n");
    CliRunner.Result r =
        CliRunner.run(
            "webhook-config",
            "--server",
            "https://kubetrail.example:8443/",
            "--ca",
            ca.toString(),
            "--token-file",
            token.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(r.stdout());
    assertThat(config.path("kind").asText()).isEqualTo("Config");
    JsonNode cluster = config.path("clusters").get(0).path("cluster");
    assertThat(cluster.path("server").asText()).isEqualTo("https://kubetrail.example:8443/");
    assertThat(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()))
        .isEqualTo(Files.readAllBytes(ca));
    assertThat(config.path("users").get(0).path("user").path("token").asText())
        .isEqualTo("abc\"123");
    String context = config.path("current-context").asText();
    assertThat(config.path("contexts").get(0).path("name").asText()).isEqualTo(context);
    assertThat(config.path("contexts").get(0).path("context").path("cluster").asText())
        .isEqualTo(config.path("clusters").get(0).path("name").asText());
  }

  @Test
  void withoutATokenTheUserIsEmpty() throws Exception {
    CliRunner.Result r =
        CliRunner.run("webhook-config", "--server", "https://10.0.0.5:8443", "--ca", ca.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(r.stdout());
    assertThat(config.path("users").get(0).path("user").size()).isZero();
  }

  @Test
  void aPlainHttpServerIsAUsageError() {
    CliRunner.Result r =
        CliRunner.run("webhook-config", "--server", "http://10.0.0.5:8443", "--ca", ca.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).startsWith("error: --server: expected an https:// URL");
  }

  @Test
  void aMissingCaFileIsAUsageError() {
    CliRunner.Result r =
        CliRunner.run(
            "webhook-config",
            "--server",
            "https://10.0.0.5:8443",
            "--ca",
            dir.resolve("missing.crt").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).startsWith("error: --ca: file not found: ").contains("missing.crt");
  }

  @Test
  void aCaFileWithoutACertificateIsAUsageError() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.txt"), "hello");
    CliRunner.Result r =
        CliRunner.run(
            "webhook-config", "--server", "https://10.0.0.5:8443", "--ca", notPem.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("--ca: no \"BEGIN CERTIFICATE\" block");
  }
}
