package io.kubetrail.store.lucene;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;
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

  /**
   * The document for one event whose {@link #id} is already known, with fields of its own (an
   * {@link EventDocument} reuses its fields from one event to the next).
   */
  static Document event(StoredEvent stored, BytesRef id, long seq, long batch, long position) {
    Document doc = new Document();
    for (IndexableField field : new EventDocument().fill(stored, id, seq, batch, position)) {
      doc.add(field);
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
    AuditEvent e = stored.event();
    byte[] ascii =
        asciiId(stored.cluster(), e.auditID(), e.stage().name(), e.requestReceivedTimestamp());
    if (ascii != null) {
      return new BytesRef(ascii);
    }
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

  /**
   * The identity term written straight into its bytes, for the common case: ASCII values, a time
   * after 1970, short enough to be kept whole; null otherwise (the general way above then makes the
   * same bytes).
   */
  private static byte[] asciiId(String cluster, String auditID, String stage, Instant received) {
    long seconds = received.getEpochSecond();
    int nanos = received.getNano();
    int secondDigits = digits(seconds);
    int nanoDigits = digits(nanos);
    int length = 1 + cluster.length() + 1 + auditID.length() + 1 + stage.length() + 1;
    length += secondDigits + 1 + nanoDigits;
    if (seconds < 0 || length > MAX_ID_BYTES) {
      return null;
    }
    byte[] term = new byte[length];
    term[0] = 'k';
    int at = ascii(cluster, term, 1);
    if (at < 0) {
      return null;
    }
    at = ascii(auditID, term, at + 1);
    if (at < 0) {
      return null;
    }
    at = ascii(stage, term, at + 1);
    at = decimal(seconds, secondDigits, term, at + 1);
    term[at] = '.';
    decimal(nanos, nanoDigits, term, at + 1);
    return term;
  }

  /** Copies an ASCII string's chars as bytes; returns where they end, or -1 when not ASCII. */
  private static int ascii(String s, byte[] out, int at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      out[at + i] = (byte) c;
    }
    // The separator after it is already zero.
    return at + s.length();
  }

  /** The decimal digits of a non-negative number, by comparison rather than division. */
  private static int digits(long v) {
    int n = 1;
    for (long power = 10; n < 19 && v >= power; power *= 10) {
      n++;
    }
    return n;
  }

  /** Writes a non-negative number of {@code digits} digits in decimal; returns where it ends. */
  private static int decimal(long v, int digits, byte[] out, int at) {
    int end = at + digits;
    long x = v;
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + x % 10);
      x /= 10;
    }
    return end;
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

  private static void addLong(Document doc, String field, long value) {
    doc.add(new LongPoint(field, value));
    doc.add(new NumericDocValuesField(field, value));
  }
}
