package io.kubetrail.collect;

import static io.kubetrail.collect.TestEvents.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.RawJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectNamesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          response metadata first     | {'objectRef':{'name':'ref'},'responseObject':{'details':{'name':'det'},'metadata':{'name':'meta'}}} | meta
          status details on delete    | {'objectRef':{'name':'ref'},'responseObject':{'kind':'Status','details':{'name':'det','kind':'clusterroles'}}} | det
          objectRef without response  | {'objectRef':{'resource':'pods','name':'ref'}} | ref
          generateName create         | {'objectRef':{'resource':'pods'},'responseObject':{'metadata':{'generateName':'web-','name':'web-x1'}}} | web-x1
          nothing names an object     | {'verb':'get','requestURI':'/healthz'} | -
          empty strings are absent    | {'objectRef':{'name':''},'responseObject':{'metadata':{'name':''},'details':{'name':''}}} | -
          empty metadata name skipped | {'objectRef':{'name':'ref'},'responseObject':{'metadata':{'name':''}}} | ref
          non-string name skipped     | {'objectRef':{'name':'ref'},'responseObject':{'metadata':{'name':7}}} | ref
          request body ignored        | {'requestObject':{'metadata':{'name':'req'}},'objectRef':{'name':'ref'}} | ref
          nested names ignored        | {'responseObject':{'spec':{'metadata':{'name':'deep'}},'items':[{'metadata':{'name':'i'}}]}} | -
          json patch response array   | {'objectRef':{'name':'ref'},'responseObject':[{'op':'add'}]} | ref
          """)
  void followsCalicosRule(String description, String event, String expected) {
    assertThat(ObjectNames.of(RawJson.of(json(event)))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no response body          | pod-1 | ''                                          | pod-1
          no name anywhere          | ''    | ''                                          | -
          response metadata         | ''    | {'kind':'Pod','metadata':{'name':'web-x1'}} | web-x1
          status details            | cr    | {'kind':'Status','details':{'name':'cr2'}}  | cr2
          response names nothing    | pod-2 | {'kind':'Status','status':'Success'}        | pod-2
          escaped keys              | pod-3 | {'metad\\u0061ta':{'n\\u0061me':'web-x2'}}  | web-x2
          """)
  void aDecodedEventGetsTheSameNameAsItsRawJson(
      String description, String refName, String response, String expected)
      throws AuditDecodeException {
    AuditEvent event =
        AuditEventReader.decode(
            AuditLines.event(
                    "id", "create", "pods", "ns", refName, 201, Instant.EPOCH, "", json(response))
                .getBytes(StandardCharsets.UTF_8),
            DecodeLimits.defaults());

    assertThat(ObjectNames.of(event)).isEqualTo(expected).isEqualTo(ObjectNames.of(event.json()));
  }

  @Property
  void firstNonEmptySourceWinsWhateverTheFieldOrder(
      @ForAll @AlphaChars @StringLength(max = 3) String metadataName,
      @ForAll @AlphaChars @StringLength(max = 3) String detailsName,
      @ForAll @AlphaChars @StringLength(max = 3) String refName,
      @ForAll long shuffleSeed)
      throws AuditDecodeException {
    Random random = new Random(shuffleSeed);
    List<String> response = new ArrayList<>();
    response.add("\"metadata\":{\"uid\":\"u\",\"name\":\"" + metadataName + "\"}");
    response.add("\"details\":{\"name\":\"" + detailsName + "\"}");
    response.add("\"kind\":\"Pod\"");
    Collections.shuffle(response, random);
    List<String> top = new ArrayList<>();
    top.add("\"responseObject\":{" + String.join(",", response) + "}");
    top.add(
        "\"objectRef\":{\"resource\":\"pods\",\"name\":\"" + refName + "\",\"namespace\":\"n\"}");
    top.add("\"requestObject\":{\"metadata\":{\"name\":\"decoy\"}}");
    top.addAll(
        List.of(
            "\"kind\":\"Event\"",
            "\"apiVersion\":\"audit.k8s.io/v1\"",
            "\"level\":\"RequestResponse\"",
            "\"auditID\":\"a\"",
            "\"stage\":\"ResponseComplete\"",
            "\"requestURI\":\"/api/v1/namespaces/n/pods\"",
            "\"verb\":\"create\"",
            "\"requestReceivedTimestamp\":\"2026-01-01T00:00:00Z\"",
            "\"stageTimestamp\":\"2026-01-01T00:00:00Z\""));
    Collections.shuffle(top, random);
    byte[] event = ("{" + String.join(",", top) + "}").getBytes(StandardCharsets.UTF_8);

    String expected =
        !metadataName.isEmpty()
            ? metadataName
            : !detailsName.isEmpty() ? detailsName : refName.isEmpty() ? "-" : refName;
    assertThat(ObjectNames.of(RawJson.of(event))).isEqualTo(expected);
    assertThat(ObjectNames.of(AuditEventReader.decode(event, DecodeLimits.defaults())))
        .isEqualTo(expected);
  }
}
