package io.kubetrail.history.netpol;

import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.JsonScan;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Backing#read} by scanning a body's bytes ({@link JsonScan}) for the few fields it reads.
 * Answers only where the answer is the tree's beyond doubt: strings without escapes, objects and
 * arrays where they are expected, each field once. Anything else (an escaped key, a duplicate
 * field, a value of another type) throws {@link Unscannable}, for the caller to read the tree.
 */
final class BackingScan {
  private static final byte[] METADATA = JsonScan.key("metadata");
  private static final byte[] LABELS = JsonScan.key("labels");
  private static final byte[] SERVICE_NAME = JsonScan.key(Backing.SERVICE_NAME_LABEL);
  private static final byte[] ENDPOINTS = JsonScan.key("endpoints");
  private static final byte[] SUBSETS = JsonScan.key("subsets");
  private static final byte[] ADDRESSES = JsonScan.key("addresses");
  private static final byte[] NOT_READY = JsonScan.key("notReadyAddresses");
  private static final byte[] TARGET_REF = JsonScan.key("targetRef");
  private static final byte[] KIND = JsonScan.key("kind");
  private static final byte[] NAME = JsonScan.key("name");
  private static final byte[] NAMESPACE = JsonScan.key("namespace");

  /** The scan cannot answer as the tree would; carries no stack. */
  static final class Unscannable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Unscannable INSTANCE = new Unscannable();

    private Unscannable() {
      super("not scannable", null, false, false);
    }
  }

  private BackingScan() {}

  /**
   * @throws Unscannable where the tree must be read instead
   * @throws IllegalArgumentException when the body is not valid JSON
   */
  static Optional<Backing> read(ResourceKey key, byte[] json) {
    String ns = key.namespace();
    JsonScan top = object(json, JsonScan.skipSpace(json, 0, json.length));
    Set<String> pods = new HashSet<>();
    if (key.type().resource().equals("endpointslices")) {
      String service = "";
      int endpoints = -1;
      boolean metadataSeen = false;
      while (top.next()) {
        checkKey(top);
        if (top.keyIs(METADATA)) {
          metadataSeen = once(metadataSeen);
          service = serviceName(json, top);
        } else if (top.keyIs(ENDPOINTS)) {
          once(endpoints >= 0);
          endpoints = top.valueStart();
        }
      }
      if (service.isEmpty()) {
        return Optional.empty();
      }
      if (endpoints >= 0) {
        targets(json, endpoints, ns, pods);
      }
      return Optional.of(new Backing(ns + "/" + service, pods));
    }
    boolean subsetsSeen = false;
    while (top.next()) {
      checkKey(top);
      if (top.keyIs(SUBSETS)) {
        subsetsSeen = once(subsetsSeen);
        top.skippedTo(
            eachObject(
                json,
                top.valueStart(),
                subset -> {
                  boolean addresses = false;
                  boolean notReady = false;
                  while (subset.next()) {
                    checkKey(subset);
                    if (subset.keyIs(ADDRESSES)) {
                      addresses = once(addresses);
                      subset.skippedTo(targets(json, subset.valueStart(), ns, pods));
                    } else if (subset.keyIs(NOT_READY)) {
                      notReady = once(notReady);
                      subset.skippedTo(targets(json, subset.valueStart(), ns, pods));
                    }
                  }
                }));
      }
    }
    return Optional.of(new Backing(ns + "/" + key.name(), pods));
  }

  /**
   * The bytes {@link Backing#read} depends on, by scan or by tree: all but the {@code metadata}
   * values, of which an EndpointSlice's {@code labels} values count. Empty where the scan cannot
   * tell (an escaped key, JSON the scan cannot step over), for the caller to read the body.
   */
  static Optional<ByteRanges> source(ResourceType type, byte[] json) {
    try {
      JsonScan top = object(json, JsonScan.skipSpace(json, 0, json.length));
      boolean slice = type.resource().equals("endpointslices");
      ByteRanges.Builder ranges = new ByteRanges.Builder(json);
      int from = 0;
      while (top.next()) {
        checkKey(top);
        if (!top.keyIs(METADATA) || slice && top.valueType() != '{') {
          continue;
        }
        ranges.add(from, top.valueStart());
        if (slice) {
          JsonScan metadata = object(json, top.valueStart());
          while (metadata.next()) {
            checkKey(metadata);
            if (metadata.keyIs(LABELS)) {
              ranges.add(metadata.valueStart(), metadata.valueEnd());
            }
          }
          top.skippedTo(metadata.end());
        }
        from = top.valueEnd();
      }
      return Optional.of(ranges.add(from, json.length).build());
    } catch (Unscannable | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * {@link #source(ResourceType, byte[])} from where replay's scan found the body's metadata and
   * labels: nothing is read again.
   */
  static Optional<ByteRanges> source(ResourceType type, byte[] json, BodyLayout layout) {
    if (!layout.known()) {
      return source(type, json);
    }
    boolean slice = type.resource().equals("endpointslices");
    ByteRanges.Builder ranges = new ByteRanges.Builder(json);
    int metadata = layout.metadataStart();
    if (metadata < 0 || slice && json[metadata] != '{') {
      return Optional.of(ranges.add(0, json.length).build());
    }
    ranges.add(0, metadata);
    if (slice && layout.labelsStart() >= 0) {
      ranges.add(layout.labelsStart(), layout.labelsEnd());
    }
    return Optional.of(ranges.add(layout.metadataEnd(), json.length).build());
  }

  /** {@code metadata.labels[SERVICE_NAME_LABEL]}, or "" when absent. */
  private static String serviceName(byte[] json, JsonScan top) {
    JsonScan metadata = object(json, top.valueStart());
    String service = "";
    boolean labelsSeen = false;
    while (metadata.next()) {
      checkKey(metadata);
      if (metadata.keyIs(LABELS)) {
        labelsSeen = once(labelsSeen);
        JsonScan labels = object(json, metadata.valueStart());
        boolean seen = false;
        while (labels.next()) {
          checkKey(labels);
          if (labels.keyIs(SERVICE_NAME)) {
            seen = once(seen);
            service = string(labels);
          }
        }
        metadata.skippedTo(labels.end());
      }
    }
    top.skippedTo(metadata.end());
    return service;
  }

  /**
   * The pods named by the targetRefs of an array of objects at {@code arrayStart}; returns where
   * the array ends.
   */
  private static int targets(byte[] json, int arrayStart, String ns, Set<String> pods) {
    return eachObject(
        json,
        arrayStart,
        element -> {
          boolean seen = false;
          while (element.next()) {
            checkKey(element);
            if (element.keyIs(TARGET_REF)) {
              seen = once(seen);
              JsonScan ref = object(json, element.valueStart());
              target(ref, ns).ifPresent(pods::add);
              element.skippedTo(ref.end());
            }
          }
        });
  }

  /** Reads a targetRef to its end. */
  private static Optional<String> target(JsonScan ref, String ns) {
    String kind = "";
    String name = "";
    String namespace = "";
    int seen = 0;
    while (ref.next()) {
      checkKey(ref);
      int bit = ref.keyIs(KIND) ? 1 : ref.keyIs(NAME) ? 2 : ref.keyIs(NAMESPACE) ? 4 : 0;
      if (bit == 0) {
        continue;
      }
      if ((seen & bit) != 0) {
        throw Unscannable.INSTANCE;
      }
      seen |= bit;
      String text = string(ref);
      switch (bit) {
        case 1 -> kind = text;
        case 2 -> name = text;
        default -> namespace = text;
      }
    }
    return Backing.target(ns, kind, name, namespace);
  }

  /**
   * Gives {@code each} a scan of every element of the array at {@code at}, which must all be
   * objects, for it to read to the element's end; returns where the array ends. Each byte is read
   * once.
   */
  private static int eachObject(byte[] json, int at, Consumer<JsonScan> each) {
    if (json[at] != '[') {
      throw Unscannable.INSTANCE;
    }
    int k = JsonScan.skipSpace(json, at + 1, json.length);
    for (boolean first = true; ; first = false) {
      if (k >= json.length) {
        throw new IllegalArgumentException("unterminated array at " + at);
      }
      if (json[k] == ']') {
        return k + 1;
      }
      if (!first) {
        if (json[k] != ',') {
          throw new IllegalArgumentException("expected ',' at " + k);
        }
        k = JsonScan.skipSpace(json, k + 1, json.length);
      }
      JsonScan element = object(json, k);
      each.accept(element);
      k = JsonScan.skipSpace(json, element.end(), json.length);
    }
  }

  private static JsonScan object(byte[] json, int at) {
    if (at >= json.length || json[at] != '{') {
      throw Unscannable.INSTANCE;
    }
    return new JsonScan(json, at, json.length);
  }

  private static String string(JsonScan s) {
    if (s.valueType() != '"' || s.valueEscaped()) {
      throw Unscannable.INSTANCE;
    }
    return s.text();
  }

  /** An escaped key may be any of ours. */
  private static void checkKey(JsonScan s) {
    if (s.keyEscaped()) {
      throw Unscannable.INSTANCE;
    }
  }

  /** A field seen twice: the tree keeps the last, so let it answer. */
  private static boolean once(boolean seenBefore) {
    if (seenBefore) {
      throw Unscannable.INSTANCE;
    }
    return true;
  }
}
