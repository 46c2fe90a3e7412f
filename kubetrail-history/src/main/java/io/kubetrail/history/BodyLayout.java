package io.kubetrail.history;

import java.util.Arrays;

/**
 * Where a body's {@code metadata}, its {@code labels} and the members of its {@code spec} lie in
 * it, as offsets into the body: found by the scan that reads a change's metadata as the change is
 * prepared, so that a walk's readers of pods and Endpoints need not step over the same bytes a
 * second time. A layout is {@link #known()} only where the scan saw no escaped key on the way and
 * each of these parts at most once; readers scan the body themselves otherwise.
 */
public final class BodyLayout {
  /** Nothing known: readers scan the body. */
  public static final BodyLayout UNKNOWN = new BodyLayout(new int[0], new int[0], 0);

  // metadata's value (start, end), then labels' (start, end); -1 where absent.
  private final int[] parts;
  // Per member of spec: key start, key end (past the quotes), value start, value end.
  private final int[] spec;
  private final int specLength;

  private BodyLayout(int[] parts, int[] spec, int specLength) {
    this.parts = parts;
    this.spec = spec;
    this.specLength = specLength;
  }

  /** The layout of a buffer holding one JSON object, found as replay finds it. */
  public static BodyLayout of(byte[] json) {
    return K8sJson.layout(json);
  }

  public boolean known() {
    return parts.length != 0;
  }

  /** Where {@code metadata}'s value starts, whatever its type; -1 when there is none. */
  public int metadataStart() {
    return parts[0];
  }

  /** Past {@code metadata}'s value. */
  public int metadataEnd() {
    return parts[1];
  }

  /**
   * Where {@code metadata.labels}'s value starts, whatever its type; -1 when there is none or
   * {@code metadata} is not an object.
   */
  public int labelsStart() {
    return parts[2];
  }

  /** Past {@code metadata.labels}'s value. */
  public int labelsEnd() {
    return parts[3];
  }

  /** How many members {@code spec} has; 0 when there is none or it is not an object. */
  public int specMembers() {
    return specLength / 4;
  }

  /** Whether the key of spec's member {@code i} is {@code name} (ASCII bytes, no escapes). */
  public boolean specKeyIs(byte[] body, int i, byte[] name) {
    return Arrays.equals(body, spec[4 * i], spec[4 * i + 1], name, 0, name.length);
  }

  /** Where the value of spec's member {@code i} starts. */
  public int specValueStart(int i) {
    return spec[4 * i + 2];
  }

  /** Past the value of spec's member {@code i}. */
  public int specValueEnd(int i) {
    return spec[4 * i + 3];
  }

  /**
   * Collects a layout as a scan of an event's JSON goes, in that buffer's offsets; used once, its
   * arrays becoming the layout's (every change's scan makes one).
   */
  static final class Builder {
    private static final int[] NO_MEMBERS = new int[0];
    private final int[] parts = {-1, -1, -1, -1};
    private int[] spec = NO_MEMBERS;
    private int specLength;
    private boolean specSeen;
    private boolean broken;

    void metadata(int start, int end) {
      broken |= parts[0] >= 0;
      parts[0] = start;
      parts[1] = end;
    }

    void labels(int start, int end) {
      broken |= parts[2] >= 0;
      parts[2] = start;
      parts[3] = end;
    }

    /** A {@code spec} key, whatever its value: a second one leaves the layout unknown. */
    void spec() {
      broken |= specSeen;
      specSeen = true;
    }

    void specMember(int keyStart, int keyEnd, int valueStart, int valueEnd) {
      if (specLength + 4 > spec.length) {
        // Room for eight members at first: a pod's spec has about six.
        spec = Arrays.copyOf(spec, Math.max(32, spec.length * 2));
      }
      spec[specLength++] = keyStart;
      spec[specLength++] = keyEnd;
      spec[specLength++] = valueStart;
      spec[specLength++] = valueEnd;
    }

    /** A key the layout cannot vouch for (escaped) was stepped over. */
    void unknown() {
      broken = true;
    }

    /** The layout, in the offsets of a body that starts at {@code bodyStart} of the buffer. */
    BodyLayout build(int bodyStart) {
      if (broken) {
        return UNKNOWN;
      }
      for (int k = 0; k < parts.length; k++) {
        parts[k] = parts[k] < 0 ? -1 : parts[k] - bodyStart;
      }
      for (int k = 0; k < specLength; k++) {
        spec[k] -= bodyStart;
      }
      return new BodyLayout(parts, spec, specLength);
    }
  }
}
