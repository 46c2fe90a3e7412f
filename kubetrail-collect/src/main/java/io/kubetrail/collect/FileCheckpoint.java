package io.kubetrail.collect;

import io.kubetrail.event.format.RecordFormat;
import io.kubetrail.store.SourceCheckpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where reading a JSON Lines file stopped: the file's identity and the byte offset (in its
 * decompressed content) just past the last record stored, with that record's line number.
 *
 * <p>A file is identified by its first line (at most {@value #FINGERPRINT_BYTES} bytes of it), not
 * by its name: an audit line holds an auditID and timestamps, so it is unique in practice, and it
 * stays the same when lumberjack renames the active file at rotation or compresses it to {@code
 * .gz}, and when the file grows. So ingesting a directory again resumes each file where it stopped,
 * whatever it is called by then.
 *
 * <p>The id is scoped to what shapes the stored events besides the file: the cluster they are
 * stored under (part of an event's identity) and the audit policy applied on the way in. The same
 * file ingested for another cluster, or under another policy, is read afresh.
 */
record FileCheckpoint(String sourceId, long offset, long line) {
  static final int FINGERPRINT_BYTES = 4096;
  private static final String PREFIX = "file:";
  private static final Pattern POSITION = Pattern.compile("offset=(\\d+) line=(\\d+)");

  /**
   * The source id of a file whose first non-blank line is {@code firstLine}, ingested with {@code
   * scope} (see {@link #scope}).
   */
  static String sourceId(String scope, byte[] firstLine) {
    return PREFIX
        + scope
        + ":sha256:"
        + sha256(firstLine, Math.min(firstLine.length, FINGERPRINT_BYTES));
  }

  /** The scope of ingest options: the cluster, and a digest of the policy when there is one. */
  static String scope(IngestOptions options) {
    return scope(options, RecordFormat.AUDIT);
  }

  /**
   * The scope of ingest options and the records' format: an export read as audit events (all of
   * them rejected) is read afresh once its format is given.
   */
  static String scope(IngestOptions options, RecordFormat format) {
    return scopeOf(options) + (format == RecordFormat.AUDIT ? "" : ":format=" + format.label());
  }

  private static String scopeOf(IngestOptions options) {
    String policy =
        options
            .policy()
            .map(
                p -> {
                  byte[] yaml = p.policy().toYaml().getBytes(StandardCharsets.UTF_8);
                  return ":policy=" + sha256(yaml, yaml.length).substring(0, 16);
                })
            .orElse("");
    return "cluster=" + options.cluster() + policy;
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  SourceCheckpoint toCheckpoint() {
    return new SourceCheckpoint("offset=" + offset + " line=" + line);
  }

  /** The checkpoint as stored, or empty when it is not one of ours. */
  static Optional<FileCheckpoint> parse(String sourceId, SourceCheckpoint stored) {
    Matcher m = POSITION.matcher(stored.position());
    if (!sourceId.startsWith(PREFIX) || !m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new FileCheckpoint(sourceId, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
