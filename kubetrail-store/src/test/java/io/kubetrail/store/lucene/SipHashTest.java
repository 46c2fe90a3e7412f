package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test vectors of the SipHash paper's reference implementation (key 00..0f, message 00..). */
class SipHashTest {
  private static final SipHash REFERENCE_KEY =
      new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);

  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({
    "0, 726fdb47dd0e0e31",
    "7, ab0200f58b01d137",
    "8, 93f5f5799a932462",
    "15, a129ca6149be45e5"
  })
  void matchesTheReferenceVectors(int length, String expected) {
    byte[] message = new byte[length + 3];
    for (int i = 0; i < length; i++) {
      message[3 + i] = (byte) i;
    }
    assertThat(Long.toHexString(REFERENCE_KEY.hash(0, message, 3, length))).isEqualTo(expected);
  }
}
