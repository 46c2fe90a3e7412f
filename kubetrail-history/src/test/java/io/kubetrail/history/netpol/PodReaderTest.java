package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodReaderTest {
  private static LiveObject pod(String json) {
    return LiveObject.of(
        ResourceKey.parse("pods/app/web"),
        Instant.EPOCH,
        json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsLabelsAndServiceAccountWhateverComesAroundThem() throws Exception {
    PodReader.Fields f =
        PodReader.read(
            pod(
                "{'kind': 'Pod', 'metadata': {'name': 'web', 'annotations': {'a': {'b': 1}},"
                    + " 'labels': {'app': 'web', 'tier': 'front'}},"
                    + " 'spec': {'containers': [{'name': 'c'}], 'serviceAccountName': 'runner'},"
                    + " 'status': {'phase': 'Running'}}"));
    assertThat(f.labels()).isEqualTo(Map.of("app", "web", "tier", "front"));
    assertThat(f.serviceAccount()).isEqualTo("runner");
  }

  @Test
  void aPodIsReadFromWhereReplayFoundItsParts() {
    byte[] json =
        ("{'kind': 'Pod', 'metadata': {'name': 'web', 'labels': {'app': 'web'}},"
                + " 'spec': {'containers': [{'name': 'c'}], 'serviceAccountName': 'runner'}}")
            .replace('\'', '"')
            .getBytes(StandardCharsets.UTF_8);
    BodyLayout layout = BodyLayout.of(json);

    assertThat(layout.known()).isTrue();
    assertThat(PodReader.scanned(json, layout, new LabelTexts()))
        .contains(new PodReader.Fields(Map.of("app", "web"), "runner"));
  }

  @Test
  void theServiceAccountIsTheDeprecatedFieldOrElseDefault() throws Exception {
    assertThat(PodReader.read(pod("{'spec': {'serviceAccount': 'old'}}")).serviceAccount())
        .isEqualTo("old");
    PodReader.Fields none = PodReader.read(pod("{'metadata': {'labels': null}}"));
    assertThat(none.serviceAccount()).isEqualTo("default");
    assertThat(none.labels()).isEmpty();
  }

  @Test
  void aLabelThatIsNotAStringIsNamed() {
    assertThatThrownBy(() -> PodReader.read(pod("{'metadata': {'labels': {'n': 1}}}")))
        .isInstanceOf(NetworkPolicyException.class)
        .hasMessage("pods/app/web: metadata.labels.n: not a string: 1");
  }
}
