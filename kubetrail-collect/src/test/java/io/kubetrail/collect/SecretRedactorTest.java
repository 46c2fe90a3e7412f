package io.kubetrail.collect;

import static io.kubetrail.collect.TestEvents.event;
import static io.kubetrail.collect.TestEvents.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String sha256(String value) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(digest);
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode tree(AuditEvent event) throws Exception {
    return MAPPER.readTree(event.json().unsafeBytes());
  }

  @Test
  void hashesDataAndStringDataValuesAndKeepsKeys() throws Exception {
    AuditEvent in =
        event(
            "",
            "secrets",
            json(
                "{'kind':'Event','verb':'create',"
                    + "'requestObject':{'kind':'Secret','metadata':{'name':'db'},"
                    + "'stringData':{'password':'hunter2'},'data':{'user':'"
                    + b64("admin")
                    + "'},'type':'Opaque'},"
                    + "'responseObject':{'kind':'Secret','metadata':{'name':'db'},"
                    + "'data':{'password':'"
                    + b64("hunter2")
                    + "','user':'"
                    + b64("admin")
                    + "'}}}"));

    JsonNode out = tree(SecretRedactor.redact(in));

    assertThat(out.at("/requestObject/stringData/password").asText()).isEqualTo(sha256("hunter2"));
    assertThat(out.at("/requestObject/data/user").asText()).isEqualTo(sha256("admin"));
    // data is hashed decoded, so the value reads the same whichever field carried it
    assertThat(out.at("/responseObject/data/password").asText()).isEqualTo(sha256("hunter2"));
    assertThat(out.at("/responseObject/data").size()).isEqualTo(2);
    assertThat(out.toString()).doesNotContain("hunter2", b64("hunter2"), b64("admin"));
  }

  @Test
  void leavesEveryOtherFieldAlone() throws Exception {
    String original =
        json(
            "{'kind':'Event','level':'RequestResponse','auditID':'a','annotations':{'x':'y'},"
                + "'requestObject':{'kind':'Secret','metadata':{'name':'db','labels':{'data':'l'}},"
                + "'data':{'k':'dg=='},'immutable':true,'weight':1.50,'type':'Opaque'}}");
    AuditEvent in = event("", "secrets", original);

    JsonNode out = tree(SecretRedactor.redact(in));

    JsonNode expected = MAPPER.readTree(original);
    ((ObjectNode) expected.at("/requestObject/data")).put("k", sha256("v"));
    assertThat(out).isEqualTo(expected);
    assertThat(out.at("/requestObject/weight").decimalValue()).isEqualByComparingTo("1.50");
  }

  @Test
  void hashesEveryItemOfAList() throws Exception {
    AuditEvent in =
        event(
            "",
            "secrets",
            json(
                "{'verb':'list','responseObject':{'kind':'SecretList','items':["
                    + "{'metadata':{'name':'a'},'data':{'t':'"
                    + b64("one")
                    + "'}},"
                    + "{'metadata':{'name':'b'},'data':{'t':'"
                    + b64("two")
                    + "'}}]}}"));

    JsonNode out = tree(SecretRedactor.redact(in));

    assertThat(out.at("/responseObject/items/0/data/t").asText()).isEqualTo(sha256("one"));
    assertThat(out.at("/responseObject/items/1/data/t").asText()).isEqualTo(sha256("two"));
    assertThat(out.at("/responseObject/items/1/metadata/name").asText()).isEqualTo("b");
  }

  @Test
  void hashesJsonPatchValuesUnderDataAndStringData() throws Exception {
    AuditEvent in =
        event(
            "",
            "secrets",
            json(
                "{'verb':'patch','requestObject':["
                    + "{'value':'"
                    + b64("new")
                    + "','op':'replace','path':'/data/token'},"
                    + "{'op':'add','path':'/stringData/pw','value':'plain'},"
                    + "{'op':'replace','path':'/data','value':{'a':'"
                    + b64("x")
                    + "'}},"
                    + "{'op':'test','path':'/data/token','value':'"
                    + b64("old")
                    + "'},"
                    + "{'op':'remove','path':'/data/gone'},"
                    + "{'op':'add','path':'/metadata/labels/app','value':'web'}]}"));

    JsonNode out = tree(SecretRedactor.redact(in));

    JsonNode ops = out.get("requestObject");
    assertThat(ops.at("/0/value").asText()).isEqualTo(sha256("new"));
    assertThat(ops.at("/0/path").asText()).isEqualTo("/data/token");
    assertThat(ops.at("/1/value").asText()).isEqualTo(sha256("plain"));
    assertThat(ops.at("/2/value/a").asText()).isEqualTo(sha256("x"));
    assertThat(ops.at("/3/value").asText()).isEqualTo(sha256("old"));
    assertThat(ops.get(4)).isEqualTo(MAPPER.readTree(json("{'op':'remove','path':'/data/gone'}")));
    assertThat(ops.at("/5/value").asText()).isEqualTo("web");
  }

  @Test
  void mergePatchKeepsNullsThatRemoveKeys() throws Exception {
    AuditEvent in =
        event(
            "",
            "secrets",
            json(
                "{'verb':'patch','requestObject':{'data':{'gone':null,'kept':'"
                    + b64("v")
                    + "'}}}"));

    JsonNode out = tree(SecretRedactor.redact(in));

    assertThat(out.at("/requestObject/data/gone").isNull()).isTrue();
    assertThat(out.at("/requestObject/data/kept").asText()).isEqualTo(sha256("v"));
  }

  @Test
  void hidesValuesInTheLastAppliedConfiguration() throws Exception {
    String applied =
        MAPPER.writeValueAsString(
            MAPPER.readTree(json("{'kind':'Secret','data':{'k':'" + b64("s3cret") + "'}}")));
    ObjectNode event = (ObjectNode) MAPPER.readTree(json("{'verb':'update','responseObject':{}}"));
    ((ObjectNode) event.get("responseObject"))
        .putObject("metadata")
        .putObject("annotations")
        .put(SecretRedactor.LAST_APPLIED, applied);

    JsonNode out = tree(SecretRedactor.redact(event("", "secrets", event.toString())));

    String redactedApplied =
        out.at("/responseObject/metadata/annotations").get(SecretRedactor.LAST_APPLIED).asText();
    assertThat(MAPPER.readTree(redactedApplied).at("/data/k").asText()).isEqualTo(sha256("s3cret"));
    assertThat(out.toString()).doesNotContain(b64("s3cret"));
  }

  @Test
  void otherEventsComeBackUntouched() {
    String body = json("{'requestObject':{'data':{'k':'dg=='}}}");
    AuditEvent configMap = event("", "configmaps", body);
    AuditEvent otherGroupSecrets = event("example.com", "secrets", body);
    AuditEvent metadataOnly = event("", "secrets", json("{'verb':'get'}"));

    assertThat(SecretRedactor.redact(configMap)).isSameAs(configMap);
    assertThat(SecretRedactor.redact(otherGroupSecrets)).isSameAs(otherGroupSecrets);
    assertThat(SecretRedactor.redact(metadataOnly)).isSameAs(metadataOnly);
  }

  @Property
  void noValueEverSurvives(@ForAll("secretValues") String value) throws Exception {
    String escaped = MAPPER.writeValueAsString(value);
    AuditEvent in =
        event(
            "",
            "secrets",
            "{\"requestObject\":{\"stringData\":{\"k\":"
                + escaped
                + "}},\"responseObject\":{\"data\":{\"k\":\""
                + b64(value)
                + "\"}}}");

    JsonNode out = tree(SecretRedactor.redact(in));

    assertThat(out.at("/requestObject/stringData/k").asText())
        .isEqualTo(out.at("/responseObject/data/k").asText())
        .isEqualTo(sha256(value));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> secretValues() {
    return net.jqwik.api.Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
  }
}
