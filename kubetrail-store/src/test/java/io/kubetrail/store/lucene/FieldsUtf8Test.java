package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast UTF-8 encoding of keywords gives exactly the bytes Lucene gives a string term. */
class FieldsUtf8Test {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "system:serviceaccount:kube-system:default",
        "what?",
        "caf\u00e9",
        "\u65e5\u672c",
        "a\ud800",
        "\udc00?b",
        "emoji \ud83d\ude00"
      })
  void keywordBytesAreLucenes(String value) {
    assertThat(Fields.utf8(value)).isEqualTo(new BytesRef(value));
  }
}
