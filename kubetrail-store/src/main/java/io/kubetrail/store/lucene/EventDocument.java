package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.UnicodeUtil;

/**
 * An event's document ({@link Fields}' layout), its fields and their bytes reused from one event to
 * the next: a block's documents are indexed one after another, and Lucene copies what it keeps, so
 * one set of field objects and one byte arena serve them all. Making them anew for each event was
 * about half of what a block thread allocated. Not thread-safe; what {@link #fill} returns is valid
 * until its next call.
 */
final class EventDocument {
  private final List<IndexableField> fields = new ArrayList<>(40);

  /** The UTF-8 bytes of this document's keyword values, one after another. */
  private byte[] arena = new byte[4096];

  private int used;

  private final BinaryDocValuesField id = new BinaryDocValuesField(Fields.ID, new BytesRef());
  private final NumericDocValuesField position = new NumericDocValuesField(Fields.POSITION, 0);
  private final NumericDocValuesField seq = new NumericDocValuesField(Fields.SEQ, 0);
  private final LongPoint batchPoint = new LongPoint(Fields.BATCH, 0);
  private final NumericDocValuesField batchValue = new NumericDocValuesField(Fields.BATCH, 0);
  private final LongPoint receivedPoint = new LongPoint(Fields.RECEIVED, 0);
  private final NumericDocValuesField receivedValue = new NumericDocValuesField(Fields.RECEIVED, 0);
  private final LongPoint stagePoint = new LongPoint(Fields.STAGE_TIME, 0);
  private final NumericDocValuesField stageValue = new NumericDocValuesField(Fields.STAGE_TIME, 0);
  private final IntPoint code = new IntPoint(Fields.CODE, 0);
  private final StringField cluster = keywordField(Fields.CLUSTER);
  private final StringField name = keywordField(Fields.NAME);
  private final StringField auditID = keywordField(Fields.AUDIT_ID);
  private final StringField stage = keywordField(Fields.STAGE);
  private final StringField level = keywordField(Fields.LEVEL);
  private final StringField verb = keywordField(Fields.VERB);
  private final StringField apiGroup = keywordField(Fields.REF_API_GROUP);
  private final StringField namespace = keywordField(Fields.REF_NAMESPACE);
  private final StringField resource = keywordField(Fields.REF_RESOURCE);
  private final StringField subresource = keywordField(Fields.REF_SUBRESOURCE);
  private final StringField refName = keywordField(Fields.REF_NAME);
  private final StringField object = keywordField(Fields.OBJECT);
  private final StringField user = keywordField(Fields.USER);
  private final StringField impersonated = keywordField(Fields.IMPERSONATED_USER);
  private final StringField userAgent = keywordField(Fields.USER_AGENT);
  private final StringField dryRun = keywordField(Fields.DRY_RUN);
  private final StringField decision = keywordField(Fields.DECISION);
  private final StringField change = keywordField(Fields.CHANGE);
  private final List<StringField> groups = new ArrayList<>();
  private final List<StringField> sourceIPs = new ArrayList<>();

  /** The keyword fields of the event being filled, and their values, in the document's order. */
  private StringField[] keywordFields = new StringField[32];

  private String[] keywordValues = new String[32];

  /** Whether the field at that index may repeat a value (groups, source IPs) and must not. */
  private boolean[] keywordRepeatable = new boolean[32];

  private int keywords;

  /**
   * The fields of one event's document: what searches filter on, and where the event is stored.
   * Only what a query asks for is indexed; the event itself is in the block files. The keyword
   * values are gathered first and encoded in one loop ({@link #encodeKeywords}): one copy of the
   * encoding for the compiler, where a call per field made this method one of the costliest to
   * compile of a short ingest.
   */
  List<IndexableField> fill(
      StoredEvent stored, BytesRef idValue, long seqValue, long batch, long at) {
    AuditEvent e = stored.event();
    fields.clear();
    keywords = 0;
    id.setBytesValue(idValue);
    fields.add(id);
    position.setLongValue(at);
    fields.add(position);
    // Only sorted and paged by (verify finds a batch's events by their batch's point): no point.
    seq.setLongValue(seqValue);
    fields.add(seq);
    addLong(batchPoint, batchValue, batch);
    gatherKeywords(stored, e);
    encodeKeywords();
    Optional<ObjectKey> key = ObjectKey.of(stored);
    if (key.isPresent()) {
      objectTerm(stored.cluster(), key.get());
    }
    if (e.responseCode().isPresent()) {
      code.setIntValue(e.responseCode().getAsInt());
      fields.add(code);
    }
    addLong(receivedPoint, receivedValue, Times.micros(e.requestReceivedTimestamp()));
    addLong(stagePoint, stageValue, Times.micros(e.stageTimestamp()));
    return fields;
  }

  /** Notes each keyword field of the event with its value, in the document's order. */
  private void gatherKeywords(StoredEvent stored, AuditEvent e) {
    keyword(cluster, stored.cluster());
    keyword(name, stored.name());
    keyword(auditID, e.auditID());
    keyword(stage, e.stage().name());
    keyword(level, e.level().name());
    keyword(verb, e.verb());
    if (e.objectRef().isPresent()) {
      ObjectReference r = e.objectRef().get();
      // Queryable fields are indexed even when empty: an empty group, namespace or subresource
      // means the core group, cluster scope, the object itself.
      keyword(apiGroup, r.apiGroup());
      keyword(namespace, r.namespace());
      keyword(resource, r.resource());
      keyword(subresource, r.subresource());
      // Searches by name look in both fields: the same value needs no second term.
      if (!r.name().isEmpty() && !r.name().equals(stored.name())) {
        keyword(refName, r.name());
      }
    }
    if (e.user().isPresent()) {
      UserInfo u = e.user().get();
      keyword(user, u.username());
      repeatedKeywords(groups, Fields.GROUPS, u.groups());
    }
    if (e.impersonatedUser().isPresent()) {
      keyword(impersonated, e.impersonatedUser().get().username());
    }
    repeatedKeywords(sourceIPs, Fields.SOURCE_IPS, e.sourceIPs());
    keyword(userAgent, e.userAgent());
    if (e.dryRun()) {
      // Queries only ever exclude dry runs.
      keyword(dryRun, Fields.TRUE);
    }
    if (e.authorizationDecision().isPresent()) {
      keyword(decision, e.authorizationDecision().get());
    }
    if (stored.isChange()) {
      keyword(change, Fields.TRUE);
    }
  }

  /** Encodes the gathered keywords into the arena and adds their fields. */
  private void encodeKeywords() {
    used = 0;
    int first = fields.size();
    for (int i = 0; i < keywords; i++) {
      StringField field = keywordFields[i];
      String value = keywordValues[i];
      int start = begin(value.length() * 3);
      append(value);
      BytesRef term = field.binaryValue();
      cut(start, term);
      // Each distinct value once, as the index holds it (a verified document repeats no term).
      if (keywordRepeatable[i] && repeats(first, field.name(), term)) {
        used = start;
      } else {
        fields.add(field);
      }
      keywordValues[i] = null;
    }
  }

  private static StringField keywordField(String field) {
    return new StringField(field, new BytesRef(), Field.Store.NO);
  }

  private void addLong(LongPoint point, NumericDocValuesField value, long v) {
    point.setLongValue(v);
    value.setLongValue(v);
    fields.add(point);
    fields.add(value);
  }

  private void keyword(StringField field, String value) {
    keyword(field, value, false);
  }

  private void keyword(StringField field, String value, boolean repeatable) {
    if (keywords == keywordFields.length) {
      keywordFields = Arrays.copyOf(keywordFields, keywords * 2);
      keywordValues = Arrays.copyOf(keywordValues, keywords * 2);
      keywordRepeatable = Arrays.copyOf(keywordRepeatable, keywords * 2);
    }
    keywordFields[keywords] = field;
    keywordRepeatable[keywords] = repeatable;
    keywordValues[keywords++] = value;
  }

  /** The term that finds every event about one object ({@link Fields#objectTerm}), as bytes. */
  private void objectTerm(String clusterName, ObjectKey k) {
    int chars =
        clusterName.length()
            + k.apiGroup().length()
            + k.resource().length()
            + k.namespace().length()
            + k.name().length();
    int start = begin(chars * 3 + 4);
    append(clusterName);
    arena[used++] = 0;
    append(k.apiGroup());
    arena[used++] = 0;
    append(k.resource());
    arena[used++] = 0;
    append(k.namespace());
    arena[used++] = 0;
    append(k.name());
    cut(start, object.binaryValue());
    fields.add(object);
  }

  /** A field per value, from {@code pool} (which grows as needed). */
  private void repeatedKeywords(List<StringField> pool, String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i == pool.size()) {
        pool.add(keywordField(field));
      }
      keyword(pool.get(i), values.get(i), true);
    }
  }

  /** True when a field of that name added since {@code first} has the term {@code term}. */
  private boolean repeats(int first, String field, BytesRef term) {
    for (int j = first; j < fields.size(); j++) {
      IndexableField f = fields.get(j);
      if (f.name().equals(field) && f.binaryValue().bytesEquals(term)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Points {@code term} at the bytes appended since {@code start}, cut to {@link
   * Fields#MAX_KEYWORD_BYTES} at a character boundary: the bytes of {@link Fields#keyword}'s value.
   */
  private void cut(int start, BytesRef term) {
    int length = used - start;
    if (length > Fields.MAX_KEYWORD_BYTES) {
      length = Fields.MAX_KEYWORD_BYTES;
      // Back to the start of the character the limit falls in (UTF-8 continuation bytes).
      while ((arena[start + length] & 0xC0) == 0x80) {
        length--;
      }
      used = start + length;
    }
    term.bytes = arena;
    term.offset = start;
    term.length = length;
  }

  /** Appends a string's UTF-8 bytes; {@link #begin} made room for them. */
  private void append(String value) {
    int n = value.length();
    int at = used;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        used = UnicodeUtil.UTF16toUTF8(value, 0, n, arena, used);
        return;
      }
      arena[at++] = (byte) c;
    }
    used = at;
  }

  /**
   * Makes room for {@code most} bytes and returns where they start. A new arena leaves the values
   * before it where they are: the fields already filled keep pointing at the old one.
   */
  private int begin(int most) {
    if (used + most > arena.length) {
      arena = new byte[ArrayUtil.oversize(Math.max(most, 4096), 1)];
      used = 0;
    }
    return used;
  }
}
