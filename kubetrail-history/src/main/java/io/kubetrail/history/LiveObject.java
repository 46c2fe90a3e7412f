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
 * {@link #body()} expand them on each call.
 *
 * <p>The key is always {@link ResourceKey#canonical() canonical}: an object the API server serves
 * under two groups is one object, whichever group its body came through.
 */
public final class LiveObject {
  private final ResourceKey key;
  private final String resourceVersion;
  private final String kind;
  private final Instant modified;
  private final byte[] packed;

  LiveObject(
      ResourceKey key, String resourceVersion, String kind, Instant modified, byte[] packed) {
    this.key = Objects.requireNonNull(key, "key").canonical();
    this.resourceVersion = Objects.requireNonNull(resourceVersion, "resourceVersion");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.modified = Objects.requireNonNull(modified, "modified");
    this.packed = Objects.requireNonNull(packed, "packed");
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
    return CompactJson.unpack(packed);
  }

  /** The body as a JSON tree. */
  public ObjectNode body() {
    try {
      JsonNode n = K8sJson.MAPPER.readTree(json());
      return (ObjectNode) n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes the body takes in memory, for sizing. */
  public int compressedSize() {
    return packed.length;
  }

  byte[] packed() {
    return packed;
  }

  @Override
  public String toString() {
    return key + "@" + resourceVersion;
  }
}
