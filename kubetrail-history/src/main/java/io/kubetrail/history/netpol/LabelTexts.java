package io.kubetrail.history.netpol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pods' labels by the JSON text they were read from. The pods of one app carry the same labels,
 * written the same, and a walk reads them again at every status update of every pod: with one map
 * per text, the text is hashed instead of read into a new map, and the walk finds a pod's labels
 * unchanged by identity instead of comparing two maps entry by entry. Bounded: emptied when full.
 * Safe on any thread.
 */
final class LabelTexts {
  private static final int LIMIT = 8192;
  private final Map<Text, Map<String, String>> maps = new ConcurrentHashMap<>();

  /** How the text of a labels object reads: empty where a scan cannot answer. */
  interface Reader {
    Optional<Map<String, String>> read(byte[] json, int from);
  }

  /** The labels of the object in {@code json[from, to)}, read by {@code reader} if not known. */
  Optional<Map<String, String>> labels(byte[] json, int from, int to, Reader reader) {
    Text text = new Text(json, from, to, hash(json, from, to));
    Map<String, String> known = maps.get(text);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Map<String, String>> read = reader.read(json, from).map(Map::copyOf);
    if (read.isPresent()) {
      if (maps.size() >= LIMIT) {
        maps.clear();
      }
      maps.put(new Text(Arrays.copyOfRange(json, from, to), 0, to - from, text.hash), read.get());
    }
    return read;
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int k = from; k < to; k++) {
      h = 31 * h + b[k];
    }
    return h;
  }

  /** A range of bytes, equal to another of the same bytes. */
  private record Text(byte[] bytes, int from, int to, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Text t && Arrays.equals(bytes, from, to, t.bytes, t.from, t.to);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
