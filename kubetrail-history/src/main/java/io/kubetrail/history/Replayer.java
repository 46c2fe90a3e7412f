package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Applies audit changes, one at a time, to a cluster state. The caller feeds events in the order
 * the changes happened ({@code stageTimestamp}); events that are not changes are ignored, so any
 * event stream may be fed.
 *
 * <p>Rules (see the design's "State at T"):
 *
 * <ul>
 *   <li>the new state of an object is the change's {@code responseObject}; patch bodies are never
 *       applied, and a change without a {@code responseObject} is skipped and reported once per
 *       resource type;
 *   <li>identity comes from the {@code responseObject}'s metadata when it has one (a create by
 *       {@code generateName} has no {@code objectRef.name}), else from {@code objectRef};
 *   <li>a resource the API server serves under two groups from one storage ({@code networkpolicies}
 *       in {@code extensions} and {@code networking.k8s.io}, ...) is keyed by its {@link
 *       ResourceType#canonical() canonical} group, whichever group a write went through;
 *   <li>a delete removes the object at once, whatever the response's shape; deleting a namespace
 *       removes every namespaced object in it; a {@code deletecollection} removes the objects its
 *       response lists, or else those its label and field selectors match in its namespace;
 *   <li>a change whose {@code resourceVersion} is older than the object's current one is ignored
 *       (compared as integers when both are, as etcd revisions are; otherwise time order rules);
 *   <li>an update of an object that is no longer live and carries a {@code deletionTimestamp} is
 *       ignored: it is the API server finishing a deletion replay has already applied;
 *   <li>subresource writes ({@code pods/status}, {@code namespaces/finalize}, ...) apply when their
 *       response is the parent object itself; a {@code pods/eviction} changes nothing: it starts a
 *       graceful deletion, and the pod stays until the kubelet's delete removes it.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class Replayer {

  /** What one event did. */
  public enum Outcome {
    /** The state changed (or a delete found nothing left to delete). */
    APPLIED,
    /** Not a change: see {@link EventKind}. */
    NOT_A_CHANGE,
    /** Older than the object's current resourceVersion. */
    STALE,
    /** A change whose event carries no {@code responseObject}; reported in warnings. */
    NO_BODY,
    /** An update of an object already deleted, still finishing its deletion. */
    TERMINATING,
    /** A response that is not the object (a Status, a subresource's own kind). */
    NOT_AN_OBJECT
  }

  /** Subresources whose writes answer with the whole parent object. */
  private static final Set<String> OBJECT_SUBRESOURCES =
      Set.of("status", "finalize", "approval", "ephemeralcontainers", "resize");

  private final Map<ResourceKey, LiveObject> objects;

  /** Warnings by what they are about (a resource type, or the message itself). */
  private final Map<String, String> warnings = new LinkedHashMap<>();

  private Listener listener = (key, now) -> {};
  // By outcome's ordinal: counted for every event, without boxing.
  private final long[] counts = new long[Outcome.values().length];
  private Instant last;
  private final boolean plainBodies;

  // Bodies put by changes, kept as they came while they are recent: most objects are written again
  // soon (a status, a lease), and a body replaced before it is compressed need never be. The oldest
  // are compressed once these hold more than RECENT_BYTES (replay at ingest: a fifth of the bodies
  // compressed instead of all of them; a state replayed over 180,000 stored changes took 0.87x the
  // wall time it took when every change's body was compressed as it was read).
  private static final int RECENT_BYTES = 4 << 20;
  private final ArrayDeque<LiveObject> recent = new ArrayDeque<>();
  private long recentBytes;

  /**
   * Told of every object a change puts or removes, as it happens: one change may touch many (a
   * namespace's delete removes its contents; a deletecollection many objects).
   */
  @FunctionalInterface
  public interface Listener {
    /**
     * One object changed.
     *
     * @param now its new state, or empty when it was removed
     */
    void changed(ResourceKey key, Optional<LiveObject> now);

    /**
     * An object a change put, with what the {@code readAhead} of {@link #preparer(AheadReader)}
     * read of its body (empty when nothing was read ahead). This default ignores it.
     */
    default void put(ResourceKey key, LiveObject now, Optional<BodyReading> ahead) {
      changed(key, Optional.of(now));
    }
  }

  /** Starts from an empty cluster. */
  public Replayer() {
    this(ClusterState.empty(Instant.EPOCH));
  }

  /** Starts from a known state, e.g. a snapshot or a checkpoint. */
  public Replayer(ClusterState start) {
    this(start, false);
  }

  private Replayer(ClusterState start, boolean plainBodies) {
    this.plainBodies = plainBodies;
    this.objects = new HashMap<>(start.asMap());
    this.last = start.at();
    for (String w : start.warnings()) {
      warnings.put(w, w);
    }
  }

  /**
   * Starts from a known state, keeping the bodies of the changes it applies uncompressed: for a
   * replay of a bounded interval whose state is read once and dropped, where compressing the bodies
   * that stay would cost more than the rest of applying the changes. The states it gives are the
   * same.
   */
  public static Replayer forInterval(ClusterState start) {
    return new Replayer(start, true);
  }

  /** Tells {@code listener} of every object changes put or remove from now on (replacing any). */
  public void listen(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Applies one event; see the class comment for the rules. */
  public Outcome apply(AuditEvent event) {
    return apply(new Prepared(event, Prepared.NOTHING_AHEAD));
  }

  /**
   * Applies one event prepared by {@link #preparer()} (of this replayer or another): the same as
   * {@link #apply(AuditEvent)} with its event.
   */
  public Outcome apply(Prepared change) {
    Objects.requireNonNull(change, "change");
    AuditEvent event = change.event;
    Outcome o = doApply(change);
    counts[o.ordinal()]++;
    if (o != Outcome.NOT_A_CHANGE && event.stageTimestamp().isAfter(last)) {
      last = event.stageTimestamp();
    }
    return o;
  }

  /**
   * Prepares events for {@link #apply(Prepared)}: finds each one's {@code responseObject} and
   * copies its body as it came (a replayer that keeps bodies compressed compresses only those that
   * stay). Safe to call on any thread, so that a replay whose changes are read ahead on a thread of
   * their own has that thread do this part.
   */
  public Function<AuditEvent, Prepared> preparer() {
    return preparer(Prepared.NOTHING_AHEAD);
  }

  /**
   * {@link #preparer()}, which also reads ahead, with {@code readAhead}, what a listener will read
   * of each body this replayer keeps as it came: so that a walk reading ahead on a thread of its
   * own has that thread read it, while the body is at hand. The listener gets it in {@link
   * Listener#put}. {@code readAhead} must be safe to call on any thread.
   */
  public Function<AuditEvent, Prepared> preparer(AheadReader readAhead) {
    Objects.requireNonNull(readAhead, "readAhead");
    return e -> new Prepared(e, readAhead);
  }

  /** Reads what a listener will read of a body, ahead of applying its change. */
  @FunctionalInterface
  public interface AheadReader {
    /**
     * @param type the canonical type of the object the change writes
     * @param body the body as the replayer keeps it, which must not be modified
     * @param layout where its parts lie, as the scan that found it saw them
     */
    Optional<BodyReading> read(ResourceType type, byte[] body, BodyLayout layout);
  }

  /** An event made ready to apply: see {@link #preparer()}. */
  public static final class Prepared {
    /** Reads nothing ahead of a change. */
    private static final AheadReader NOTHING_AHEAD = (type, json, layout) -> Optional.empty();

    private final AuditEvent event;
    private final boolean isChange;
    private final Optional<ObjectInfo> response;
    // The canonical type of the object it writes (null when not a change), and its response's
    // resourceVersion as an etcd revision (-1 when none or not an integer): worked out here, on the
    // thread that prepares, not on the one that applies.
    private final ResourceType type;
    private final long revision;
    // What the change does by its verb and objectRef, and for a write with a body the key of the
    // object it writes (else null), with its hash taken: the applying thread then touches neither
    // the verb's nor the names' strings for the first time.
    private final ChangeAction action;
    private final ResourceKey key;
    // The response's body as it came; null when the event cannot put an object.
    private final byte[] body;
    // What the preparer's readAhead read of the body.
    private final Optional<BodyReading> ahead;

    private Prepared(AuditEvent event, AheadReader readAhead) {
      this.event = Objects.requireNonNull(event, "event");
      isChange = EventKind.isChange(event);
      byte[] json = event.json().unsafeBytes();
      BodyLayout.Builder layout = new BodyLayout.Builder();
      response = isChange ? K8sJson.responseObject(json, layout) : Optional.empty();
      type =
          isChange
              ? event
                  .objectRef()
                  .map(ref -> ResourceType.canonicalOf(ref.apiGroup(), ref.resource()))
                  .orElse(null)
              : null;
      revision = response.map(r -> ResourceVersions.revision(r.resourceVersion())).orElse(-1L);
      String verb = event.verb();
      action = isChange ? ChangeAction.of(event) : ChangeAction.NONE;
      // The response when it is an object, not a Status or a List.
      Optional<ObjectInfo> object = response.filter(o -> !o.isStatus() && !o.isList());
      key = action.writes() ? writeKey(event.objectRef().orElseThrow(), type, object) : null;
      if (object.isPresent() && !verb.equals("delete") && !verb.equals("deletecollection")) {
        body = copy(json, object.get());
      } else {
        body = null;
      }
      ahead =
          body != null && type != null
              ? readAhead.read(type, body, layout.build(response.get().offset()))
              : Optional.empty();
    }

    /** The key of the object a write with a body writes; null when it names none. */
    private static ResourceKey writeKey(
        ObjectReference ref, ResourceType type, Optional<ObjectInfo> object) {
      if (object.isEmpty()) {
        return null;
      }
      ObjectInfo o = object.get();
      String name = o.name().isEmpty() ? ref.name() : o.name();
      if (name.isEmpty()) {
        return null;
      }
      String namespace = o.namespace().isEmpty() ? ref.namespace() : o.namespace();
      ResourceKey key = new ResourceKey(type, namespace, name);
      key.hashCode(); // taken here, kept by its strings
      return key;
    }

    /** The event prepared. */
    public AuditEvent event() {
      return event;
    }

    /** The response's body as it came. */
    byte[] body() {
      return body != null ? body : copy(event.json().unsafeBytes(), response.orElseThrow());
    }

    private static byte[] copy(byte[] json, ObjectInfo o) {
      return Arrays.copyOfRange(json, o.offset(), o.offset() + o.length());
    }
  }

  private Outcome doApply(Prepared change) {
    // One object whichever group the write went through: see ResourceType#canonical.
    ResourceType type = change.type;
    return switch (change.action) {
      case NONE -> Outcome.NOT_A_CHANGE;
      case SUBRESOURCE -> applySubresource(change, ref(change), type);
      case DELETE -> delete(change, ref(change), type);
      case DELETE_COLLECTION -> deleteCollection(change, ref(change), type);
      case CREATE, WRITE -> write(change, type);
    };
  }

  private static ObjectReference ref(Prepared change) {
    return change.event.objectRef().orElseThrow();
  }

  private Outcome write(Prepared change, ResourceType type) {
    Optional<ObjectInfo> resp = change.response;
    if (resp.isEmpty()) {
      warnNoBody(change.event, type);
      return Outcome.NO_BODY;
    }
    if (change.key == null) {
      return Outcome.NOT_AN_OBJECT; // a Status, a List, or no name
    }
    return put(change.key, resp.get(), change, change.action != ChangeAction.CREATE);
  }

  private Outcome put(ResourceKey key, ObjectInfo o, Prepared change, boolean terminatingMatters) {
    AuditEvent event = change.event;
    if (o.deleting() && terminatingMatters && !objects.containsKey(key)) {
      return Outcome.TERMINATING;
    }
    byte[] body = change.body();
    LiveObject now =
        new LiveObject(
            key,
            o.resourceVersion(),
            change.revision,
            o.kind(),
            event.stageTimestamp(),
            body,
            true);
    // One look-up for the usual change; a stale one (rare) puts the current object back.
    LiveObject current = objects.put(key, now);
    if (current != null && ResourceVersions.olderThan(change.revision, current.revision())) {
      objects.put(key, current);
      return Outcome.STALE;
    }
    if (!plainBodies) {
      recent.add(now);
      recentBytes += body.length;
      compressOldest();
    }
    // The body is the change's own, or one read the same: what was read ahead of it holds.
    listener.put(key, now, change.ahead);
    return Outcome.APPLIED;
  }

  /** Compresses the oldest recent bodies still in the state until the recent ones fit. */
  private void compressOldest() {
    while (recentBytes > RECENT_BYTES) {
      LiveObject oldest = recent.poll();
      recentBytes -= oldest.compressedSize();
      if (objects.get(oldest.key()) == oldest) {
        objects.put(oldest.key(), oldest.compressed());
      }
    }
  }

  private Outcome applySubresource(Prepared change, ObjectReference ref, ResourceType type) {
    String verb = change.event.verb();
    String sub = ref.subresource();
    ResourceKey parent = new ResourceKey(type, ref.namespace(), ref.name());
    if (verb.equals("delete") || verb.equals("deletecollection")) {
      return Outcome.NOT_AN_OBJECT;
    }
    Optional<ObjectInfo> resp = change.response;
    if (resp.isEmpty()) {
      // Subresource writes are often logged below RequestResponse; the parent's own writes
      // carry its state, so nothing is lost that replay could have known.
      return Outcome.NO_BODY;
    }
    ObjectInfo o = resp.get();
    if (o.isStatus() || o.isList() || !o.name().equals(ref.name())) {
      return Outcome.NOT_AN_OBJECT;
    }
    LiveObject current = objects.get(parent);
    boolean isParent =
        current != null && !current.kind().isEmpty()
            ? current.kind().equals(o.kind())
            : OBJECT_SUBRESOURCES.contains(sub);
    if (!isParent) {
      return Outcome.NOT_AN_OBJECT;
    }
    return put(parent, o, change, true);
  }

  private Outcome delete(Prepared change, ObjectReference ref, ResourceType type) {
    Optional<ObjectInfo> resp = change.response;
    String name = ref.name();
    String namespace = ref.namespace();
    if (name.isEmpty() && resp.isPresent() && !resp.get().isStatus()) {
      name = resp.get().name();
      namespace = resp.get().namespace();
    }
    if (name.isEmpty()) {
      return Outcome.NOT_AN_OBJECT;
    }
    ResourceKey key = new ResourceKey(type, namespace, name);
    LiveObject current = objects.get(key);
    if (current != null
        && resp.isPresent()
        && !resp.get().isStatus()
        && ResourceVersions.olderThan(change.revision, current.revision())) {
      return Outcome.STALE;
    }
    remove(key);
    return Outcome.APPLIED;
  }

  private Outcome deleteCollection(Prepared change, ObjectReference ref, ResourceType type) {
    AuditEvent event = change.event;
    Optional<ObjectInfo> resp = change.response;
    if (resp.isPresent() && resp.get().isList()) {
      for (ObjectInfo item : resp.get().items()) {
        String ns = item.namespace().isEmpty() ? ref.namespace() : item.namespace();
        remove(new ResourceKey(type, ns, item.name()));
      }
      return Outcome.APPLIED;
    }
    LabelSelector labels =
        Selectors.queryParam(event.requestURI(), "labelSelector")
            .map(Selectors::labels)
            .orElse(LabelSelector.everything());
    Optional<Predicate<JsonNode>> fields =
        Selectors.queryParam(event.requestURI(), "fieldSelector").map(Selectors::fields);
    List<ResourceKey> doomed = new ArrayList<>();
    for (LiveObject o : objects.values()) {
      ResourceKey k = o.key();
      if (!k.type().equals(type)
          || (!ref.namespace().isEmpty() && !k.namespace().equals(ref.namespace()))) {
        continue;
      }
      byte[] body = o.unsafeJson();
      if (!labels.matches(K8sJson.describe(body).labels())) {
        continue;
      }
      if (fields.isPresent() && !fields.get().test(readTree(body))) {
        continue;
      }
      doomed.add(k);
    }
    doomed.forEach(this::remove);
    return Outcome.APPLIED;
  }

  private static JsonNode readTree(byte[] json) {
    try {
      return K8sJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void remove(ResourceKey key) {
    if (objects.remove(key) != null) {
      listener.changed(key, Optional.empty());
    }
    if (key.type().isNamespaces()) {
      // kube-apiserver's namespace controller deletes the contents; its calls are often not
      // logged, so the namespace's deletion stands for them.
      Iterator<ResourceKey> it = objects.keySet().iterator();
      while (it.hasNext()) {
        ResourceKey k = it.next();
        if (k.namespace().equals(key.name())) {
          it.remove();
          listener.changed(k, Optional.empty());
        }
      }
    }
  }

  private void warnNoBody(AuditEvent event, ResourceType type) {
    if (warnings.containsKey(type.qualifiedName())) {
      return;
    }
    boolean truncated = "true".equals(event.annotations().get("audit.k8s.io/truncated"));
    warnings.put(
        type.qualifiedName(),
        truncated
            ? "kube-apiserver truncated events of "
                + type.qualifiedName()
                + " (annotation audit.k8s.io/truncated): raise"
                + " --audit-log-truncate-max-event-size so that their responseObject is kept;"
                + " those changes were skipped"
            : "the audit policy must log RequestResponse for "
                + type.qualifiedName()
                + ": changes without a responseObject were skipped");
  }

  /** Puts an object as it is, e.g. from a snapshot. */
  void put(LiveObject o) {
    objects.put(o.key(), o);
  }

  /** The live objects now, unmodifiable and backed by this replayer: for writing them out. */
  java.util.Collection<LiveObject> liveObjects() {
    return java.util.Collections.unmodifiableCollection(objects.values());
  }

  /** The number of live objects now. */
  public int size() {
    return objects.size();
  }

  /** The state after the changes applied so far, stamped with the given time. */
  public ClusterState state(Instant at) {
    return new ClusterState(at, objects, warnings());
  }

  /** The stage time of the latest change seen (or the start state's time). */
  public Instant lastChange() {
    return last;
  }

  /** What replay could not know, each said once, in the order found. */
  public List<String> warnings() {
    return List.copyOf(warnings.values());
  }

  /** How many events had each outcome. */
  public Map<Outcome, Long> counts() {
    EnumMap<Outcome, Long> out = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      if (counts[o.ordinal()] > 0) {
        out.put(o, counts[o.ordinal()]);
      }
    }
    return out;
  }
}
