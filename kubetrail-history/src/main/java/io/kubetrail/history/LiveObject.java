package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One object of a cluster's state: its identity, {@code metadata.resourceVersion}, {@code kind},
 * when it got this body, and the body itself. Bodies are kept compressed; {@link #json()} and
 * {@link #body()} expand them on each call. A replay of a bounded interval may keep them as they
 * came instead ({@link Replayer#forInterval}): compressing every change costs more than the rest of
 * applying it, and such a state is not kept for long. Any other replayer keeps its most recent
 * bodies as they came too, and compresses only those that stay.
 *
 * <p>The key is always {@link ResourceKey#canonical() canonical}: an object the API server serves
 * under two groups is one object, whichever group its body came through.
 */
public final class LiveObject {
  private final ResourceKey key;
  private final String resourceVersion;
  // The resourceVersion as an etcd revision (-1 when not one): compared at every change.
  private final long revision;
  private final String kind;
  private final Instant modified;
  private final byte[] packed;
  // True when packed holds the JSON itself, not its compact form.
  private final boolean plain;

  LiveObject(
      ResourceKey key, String resourceVersion, String kind, Instant modified, byte[] packed) {
    this(
        key,
        resourceVersion,
        ResourceVersions.revision(resourceVersion),
        kind,
        modified,
        packed,
        false);
  }

  /**
   * An object as replay makes it: {@code revision} is {@code resourceVersion} already parsed;
   * {@code body} is the JSON itself when {@code plain}, else its compact form, owned from now on.
   */
  LiveObject(
      ResourceKey key,
      String resourceVersion,
      long revision,
      String kind,
      Instant modified,
      byte[] body,
      boolean plain) {
    this.key = Objects.requireNonNull(key, "key").canonical();
    this.resourceVersion = Objects.requireNonNull(resourceVersion, "resourceVersion");
    this.revision = revision;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.modified = Objects.requireNonNull(modified, "modified");
    this.packed = Objects.requireNonNull(body, "body");
    this.plain = plain;
  }

  /**
   * An object from its JSON body (must be a JSON object); the key is given, not derived, and made
   * canonical.
   */
  public static LiveObject of(ResourceKey key, Instant modified, byte[] json) {
    ObjectInfo info = K8sJson.describe(json);
    return new LiveObject(
        key, info.resourceVersion(), info.kind(), modified, CompactJson.pack(json));
  }

  public ResourceKey key() {
    return key;
  }

  /** {@code metadata.resourceVersion}; empty when the body has none. */
  public String resourceVersion() {
    return resourceVersion;
  }

  /** {@link #resourceVersion()} as an etcd revision; -1 when it is not an integer. */
  long revision() {
    return revision;
  }

  /** The body's {@code kind}; empty when the body has none. */
  public String kind() {
    return kind;
  }

  /** The stage time of the change that gave the object this body, or the time of its snapshot. */
  public Instant modified() {
    return modified;
  }

  /** The body as UTF-8 JSON, exactly as the API server returned it. */
  public byte[] json() {
    return plain ? packed.clone() : CompactJson.unpack(packed);
  }

  /**
   * The body as {@link #json()} gives it, without a copy where it is kept as it came: for readers
   * that only read it (a walk reads every pod and Endpoints it meets). Callers must not modify the
   * array or keep it.
   */
  public byte[] unsafeJson() {
    return plain ? packed : CompactJson.unpack(packed);
  }

  /** The body as a JSON tree. */
  public ObjectNode body() {
    try {
      JsonNode n = K8sJson.MAPPER.readTree(unsafeJson());
      return (ObjectNode) n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes the body takes in memory, for sizing. */
  public int compressedSize() {
    return packed.length;
  }

  /** This object with its body compressed: itself when it already is. */
  LiveObject compressed() {
    return plain
        ? new LiveObject(key, resourceVersion, revision, kind, modified, packed(), false)
        : this;
  }

  /** The body in its compact form, as snapshots and checkpoints keep it. */
  byte[] packed() {
    return plain ? CompactJson.pack(packed) : packed;
  }

  @Override
  public String toString() {
    return key + "@" + resourceVersion;
  }
}
