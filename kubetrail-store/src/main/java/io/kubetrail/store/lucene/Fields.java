package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.UnicodeUtil;

/**
 * The index's fields and how an event becomes a document. Keyword fields are named after the JSON
 * path of the value they hold, as in an OpenSearch mapping; internal fields start with {@code _}.
 */
final class Fields {
  // Internal fields.
  /**
   * The event's {@link #id identity}, as doc values only: a lookup finds candidates by their
   * auditID term and compares this. A unique term per event would cost ingest an eighth of its
   * time.
   */
  static final String ID = "_id";

  static final String SEQ = "_seq";
  static final String BATCH = "_batch";
  static final String OBJECT = "_object";
  static final String CHANGE = "_change";

  /** Where the event is in the block files ({@link BlockFiles#position}), as doc values. */
  static final String POSITION = "_pos";

  static final String HEADER = "_header";
  static final String HEADER_MAX_RECEIVED = "_header.maxReceived";
  static final String HEADER_DATA = "_header.data";

  // Header kinds: the value of HEADER.
  static final String LIVE = "live";
  static final String PRUNED = "pruned";

  // Event fields, named by JSON path.
  static final String CLUSTER = "cluster";
  static final String NAME = "name";
  static final String AUDIT_ID = "auditID";
  static final String STAGE = "stage";
  static final String LEVEL = "level";
  static final String VERB = "verb";
  static final String REF_RESOURCE = "objectRef.resource";
  static final String REF_NAMESPACE = "objectRef.namespace";
  static final String REF_NAME = "objectRef.name";
  static final String REF_API_GROUP = "objectRef.apiGroup";
  static final String REF_SUBRESOURCE = "objectRef.subresource";
  static final String USER = "user.username";
  static final String GROUPS = "user.groups";
  static final String IMPERSONATED_USER = "impersonatedUser.username";
  static final String SOURCE_IPS = "sourceIPs";
  static final String USER_AGENT = "userAgent";
  static final String CODE = "responseStatus.code";
  static final String RECEIVED = "requestReceivedTimestamp";
  static final String STAGE_TIME = "stageTimestamp";
  static final String DRY_RUN = "dryRun";
  static final String DECISION = "decision";

  static final String TRUE = "true";

  /**
   * Longest keyword indexed, in UTF-8 bytes; longer values are indexed by their prefix (Lucene
   * rejects terms over 32,766 bytes, and real values are far shorter: userAgent is cut at 1 KiB by
   * kube-apiserver).
   */
  static final int MAX_KEYWORD_BYTES = 4096;

  /** Identities longer than this are indexed by their SHA-256 instead. */
  private static final int MAX_ID_BYTES = 512;

  private Fields() {}

  /**
   * The document for one event: the fields searches filter on, and where the event is stored. Only
   * what a query asks for is indexed; the event itself is in the block files.
   */
  static Document event(StoredEvent stored, long seq, long batch, long position) {
    return event(stored, id(stored), seq, batch, position);
  }

  /** The document for one event whose {@link #id} is already known. */
  static Document event(StoredEvent stored, BytesRef id, long seq, long batch, long position) {
    AuditEvent e = stored.event();
    Document doc = new Document();
    doc.add(new BinaryDocValuesField(ID, id));
    doc.add(new NumericDocValuesField(POSITION, position));
    // Only sorted and paged by (verify finds a batch's events by their batch's point): no point.
    doc.add(new NumericDocValuesField(SEQ, seq));
    addLong(doc, BATCH, batch);
    keyword(doc, CLUSTER, stored.cluster());
    keyword(doc, NAME, stored.name());
    keyword(doc, AUDIT_ID, e.auditID());
    keyword(doc, STAGE, e.stage().name());
    keyword(doc, LEVEL, e.level().name());
    keyword(doc, VERB, e.verb());
    if (e.objectRef().isPresent()) {
      ObjectReference r = e.objectRef().get();
      // Queryable fields are indexed even when empty: an empty group, namespace or subresource
      // means the core group, cluster scope, the object itself.
      keyword(doc, REF_API_GROUP, r.apiGroup());
      keyword(doc, REF_NAMESPACE, r.namespace());
      keyword(doc, REF_RESOURCE, r.resource());
      keyword(doc, REF_SUBRESOURCE, r.subresource());
      // Searches by name look in both fields: the same value needs no second term.
      if (!r.name().equals(stored.name())) {
        keywordIfSet(doc, REF_NAME, r.name());
      }
    }
    ObjectKey.of(stored).ifPresent(k -> keyword(doc, OBJECT, objectTerm(stored.cluster(), k)));
    if (e.user().isPresent()) {
      UserInfo u = e.user().get();
      keyword(doc, USER, u.username());
      keywords(doc, GROUPS, u.groups());
    }
    e.impersonatedUser().ifPresent(u -> keyword(doc, IMPERSONATED_USER, u.username()));
    keywords(doc, SOURCE_IPS, e.sourceIPs());
    keyword(doc, USER_AGENT, e.userAgent());
    if (e.responseCode().isPresent()) {
      doc.add(new IntPoint(CODE, e.responseCode().getAsInt()));
    }
    addLong(doc, RECEIVED, Times.micros(e.requestReceivedTimestamp()));
    addLong(doc, STAGE_TIME, Times.micros(e.stageTimestamp()));
    if (e.dryRun()) {
      // Queries only ever exclude dry runs.
      keyword(doc, DRY_RUN, TRUE);
    }
    e.authorizationDecision().ifPresent(d -> keyword(doc, DECISION, d));
    if (stored.isChange()) {
      keyword(doc, CHANGE, TRUE);
    }
    return doc;
  }

  /** The document that records one batch's link in the hash chain. */
  static Document header(BatchHeader header) {
    Document doc = new Document();
    doc.add(new StringField(HEADER, header.pruned() ? PRUNED : LIVE, Field.Store.NO));
    addLong(doc, BATCH, header.batch());
    doc.add(new LongPoint(HEADER_MAX_RECEIVED, header.link().maxReceived()));
    doc.add(new StoredField(HEADER_DATA, header.encode()));
    return doc;
  }

  /**
   * The indexed identity of an event: (cluster, auditID, stage, requestReceivedTimestamp at full
   * precision), or its SHA-256 when that is long.
   */
  static BytesRef id(StoredEvent stored) {
    StoredEvent.Identity id = stored.identity();
    String key =
        id.cluster()
            + '\u0000'
            + id.auditID()
            + '\u0000'
            + id.stage().name()
            + '\u0000'
            + id.requestReceivedTimestamp().getEpochSecond()
            + '.'
            + id.requestReceivedTimestamp().getNano();
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    if (utf8.length + 1 <= MAX_ID_BYTES) {
      byte[] term = new byte[utf8.length + 1];
      term[0] = 'k';
      System.arraycopy(utf8, 0, term, 1, utf8.length);
      return new BytesRef(term);
    }
    byte[] hash = sha256().digest(utf8);
    byte[] term = new byte[hash.length + 1];
    term[0] = 'h';
    System.arraycopy(hash, 0, term, 1, hash.length);
    return new BytesRef(term);
  }

  /** The term that finds every event about one object of one cluster. */
  static String objectTerm(String cluster, ObjectKey key) {
    return cluster
        + '\u0000'
        + key.apiGroup()
        + '\u0000'
        + key.resource()
        + '\u0000'
        + key.namespace()
        + '\u0000'
        + key.name();
  }

  /** A keyword value as indexed and as looked up: cut to {@link #MAX_KEYWORD_BYTES}. */
  static String keyword(String value) {
    if (value.length() * 3 <= MAX_KEYWORD_BYTES
        || UnicodeUtil.calcUTF16toUTF8Length(value, 0, value.length()) <= MAX_KEYWORD_BYTES) {
      return value;
    }
    int bytes = 0;
    int i = 0;
    while (i < value.length()) {
      int cp = value.codePointAt(i);
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + len > MAX_KEYWORD_BYTES) {
        break;
      }
      bytes += len;
      i += Character.charCount(cp);
    }
    return value.substring(0, i);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  private static void keyword(Document doc, String field, String value) {
    doc.add(new StringField(field, utf8(keyword(value)), Field.Store.NO));
  }

  /**
   * A string's UTF-8 bytes. The JDK's encoder is far faster than Lucene's for the ASCII text most
   * values are; anything else goes through Lucene's, which indexing a string would use.
   */
  static BytesRef utf8(String value) {
    byte[] ascii = ascii(value);
    return ascii != null ? new BytesRef(ascii) : new BytesRef(value);
  }

  /** The string's bytes when it is all ASCII, else null. */
  static byte[] ascii(String value) {
    byte[] bytes = new byte[value.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  /** Each distinct value once, as the index holds it (a verified document repeats no term). */
  private static void keywords(Document doc, String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String value = keyword(values.get(i));
      boolean repeated = false;
      for (int j = 0; j < i && !repeated; j++) {
        repeated = keyword(values.get(j)).equals(value);
      }
      if (!repeated) {
        doc.add(new StringField(field, utf8(value), Field.Store.NO));
      }
    }
  }

  private static void keywordIfSet(Document doc, String field, String value) {
    if (!value.isEmpty()) {
      keyword(doc, field, value);
    }
  }

  private static void addLong(Document doc, String field, long value) {
    doc.add(new LongPoint(field, value));
    doc.add(new NumericDocValuesField(field, value));
  }
}
