package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reused document's keyword terms are exactly the bytes Lucene gives the keyword's string, cut as
 * {@link Fields#keyword} cuts it, whatever was filled before.
 */
class EventDocumentTest {
  private static final String LONG_ASCII = "x".repeat(Fields.MAX_KEYWORD_BYTES + 10);

  // 4,095 ASCII bytes and then three-byte characters: the limit falls inside one.
  private static final String CUT_IN_A_CHARACTER =
      "y".repeat(Fields.MAX_KEYWORD_BYTES - 1) + "\u65e5\u672c";

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
    EventDocument doc = new EventDocument();
    // Filled once with other values first: nothing of them may show through.
    fill(doc, event("before").userAgent(LONG_ASCII).build());
    List<IndexableField> fields = fill(doc, event("a").userAgent(value).groups(value).build());
    BytesRef expected = new BytesRef(Fields.keyword(value));
    assertThat(term(fields, Fields.USER_AGENT)).containsExactly(expected);
    assertThat(term(fields, Fields.GROUPS)).containsExactly(expected);
  }

  @Test
  void longValuesAreCutAtACharacterBoundary() {
    for (String value : List.of(LONG_ASCII, CUT_IN_A_CHARACTER, "\u00e9".repeat(3000))) {
      List<IndexableField> fields = fill(new EventDocument(), event("a").userAgent(value).build());
      assertThat(term(fields, Fields.USER_AGENT))
          .containsExactly(new BytesRef(Fields.keyword(value)));
    }
  }

  @Test
  void repeatedValuesAreIndexedOnce() {
    List<IndexableField> fields =
        fill(new EventDocument(), event("a").groups("dev", "ops", "dev", "ops", "qa").build());
    assertThat(term(fields, Fields.GROUPS))
        .containsExactly(new BytesRef("dev"), new BytesRef("ops"), new BytesRef("qa"));
  }

  @Test
  void theObjectTermIsFieldsObjectTerm() {
    StoredEvent e = event("a").object("apps", "deployments", "shop", "web").build();
    List<IndexableField> fields = fill(new EventDocument(), e);
    assertThat(term(fields, Fields.OBJECT))
        .containsExactly(
            new BytesRef(Fields.keyword(Fields.objectTerm(e.cluster(), ObjectKey.of(e).get()))));
  }

  @Test
  void aNewArenaLeavesEarlierValuesIntact() {
    EventDocument doc = new EventDocument();
    // Many long values: the arena is replaced while the document is filled.
    String[] groups = new String[40];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i + "-" + "g".repeat(1000);
    }
    List<IndexableField> fields = fill(doc, event("a").user("alice").groups(groups).build());
    assertThat(term(fields, Fields.USER)).containsExactly(new BytesRef("alice"));
    List<BytesRef> expected = new ArrayList<>();
    for (String g : groups) {
      expected.add(new BytesRef(g));
    }
    assertThat(term(fields, Fields.GROUPS)).containsExactlyElementsOf(expected);
  }

  private static List<IndexableField> fill(EventDocument doc, StoredEvent e) {
    return doc.fill(e, Fields.id(e), 1, 1, 0);
  }

  private static List<BytesRef> term(List<IndexableField> fields, String name) {
    List<BytesRef> terms = new ArrayList<>();
    for (IndexableField f : fields) {
      if (f.name().equals(name)) {
        terms.add(BytesRef.deepCopyOf(f.binaryValue()));
      }
    }
    return terms;
  }
}
