package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CompactJsonTest {
  @Property(tries = 300)
  void anyBytesRoundTrip(@ForAll @Size(max = 20_000) byte[] bytes) {
    assertThat(CompactJson.unpack(CompactJson.pack(bytes))).isEqualTo(bytes);
  }

  @Property(tries = 100)
  void slicesRoundTrip(@ForAll @Size(min = 10, max = 5_000) byte[] bytes) {
    int from = bytes.length / 3;
    byte[] packed = CompactJson.pack(bytes, from, bytes.length - from);
    assertThat(CompactJson.unpack(packed)).isEqualTo(Arrays.copyOfRange(bytes, from, bytes.length));
  }

  @Test
  void kubernetesBodiesShrink() {
    byte[] pod =
        Events.pod("default", "web-7d4b9c-x1", 12345).toString().getBytes(StandardCharsets.UTF_8);
    assertThat(CompactJson.pack(pod).length).isLessThan(pod.length / 2);
  }

  @Test
  void damageIsReportedNotMisread() {
    byte[] packed = CompactJson.pack("{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8));
    byte[] truncated = Arrays.copyOf(packed, packed.length - 3);
    assertThatThrownBy(() -> CompactJson.unpack(truncated))
        .isInstanceOf(IllegalStateException.class);
  }
}
