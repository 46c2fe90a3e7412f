package io.kubetrail.report;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What changed in a cluster between two times: every object created, deleted or modified (by
 * content, not by bookkeeping such as resourceVersion), and those that came and went within.
 *
 * @param objects sorted by resource, namespace and name
 */
public record ChangesReport(
    Instant start, Instant end, List<ObjectChange> objects, Evidence evidence) implements Report {

  public ChangesReport {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    objects = List.copyOf(objects);
    Objects.requireNonNull(evidence, "evidence");
  }

  @Override
  public ReportType type() {
    return ReportType.CHANGES;
  }

  /** How an object changed between the two times. */
  public enum Change {
    /** Absent at the start, present at the end. */
    CREATED,
    /** Present at the start, absent at the end. */
    DELETED,
    /** Present at both, with other content. */
    MODIFIED,
    /** Absent at both, created and deleted again within. */
    TRANSIENT;

    /** {@code created}, as reports print it. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One object that changed.
   *
   * @param resource {@code plural[.group]}, canonical
   * @param namespace empty for a cluster-scoped object
   * @param writes the writes to it within the interval, oldest first (at most {@link #MAX_WRITES},
   *     the newest; the evidence names objects with more)
   * @param diff unified YAML diff from the object at the start to the object at the end
   */
  public record ObjectChange(
      String resource,
      String namespace,
      String name,
      Change change,
      List<Write> writes,
      String diff) {
    /** The most writes listed per object: controllers rewrite some objects every few seconds. */
    public static final int MAX_WRITES = 1000;

    public ObjectChange {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(change, "change");
      writes = List.copyOf(writes);
      Objects.requireNonNull(diff, "diff");
    }

    /** {@code resource/namespace/name} or {@code resource/name}. */
    public String id() {
      return namespace.isEmpty() ? resource + "/" + name : resource + "/" + namespace + "/" + name;
    }
  }

  /**
   * One write that took effect.
   *
   * @param subresource the subresource written ({@code status}), or empty
   * @param user the authenticated user; empty when the event named none
   */
  public record Write(Instant time, String verb, String subresource, String user, String auditID) {
    public Write {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(subresource, "subresource");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(auditID, "auditID");
    }
  }
}
