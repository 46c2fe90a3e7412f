package io.kubetrail.history;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StateKey;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepository;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The state of one cluster at any time: the latest snapshot at or before that time, or a checkpoint
 * made from it, plus the changes after it, replayed. Snapshots and checkpoints are kept by the
 * store's {@link StateRepository}, beside its events.
 *
 * <p>A snapshot covers only the resource types it was listed for (those of its objects, and any
 * named when it was stored): objects of other types are carried over from the state replayed up to
 * the snapshot's time, from the snapshot before it or from the start.
 *
 * <p>Checkpoints make later queries fast: while replaying, the whole state is written out every
 * {@link HistoryOptions#checkpointInterval()} changes, so no query has to replay more than that
 * many changes once the range has been replayed before. A checkpoint is used only while it is still
 * true: it records how many changes the store had up to its time, and is dropped when that number
 * moves (late events from another API server's log, a prune) or when a snapshot is imported that it
 * does not start from.
 */
public final class StateHistory {
  private static final String SNAPSHOT_SUFFIX = ".snapshot";
  private static final String CHECKPOINT_SUFFIX = ".checkpoint";

  private final ChangeLog log;
  private final String cluster;
  private final StateRepository states;
  private final HistoryOptions options;
  private ReplayStats lastReplay = new ReplayStats("empty cluster", Instant.EPOCH, 0, 0, List.of());
  // What the last replay ended with, for an advancer to carry on from.
  private Replayer lastReplayer = new Replayer();
  private String lastBase = "";

  StateHistory(ChangeLog log, StateRepository states, String cluster, HistoryOptions options) {
    this.log = Objects.requireNonNull(log, "log");
    this.states = Objects.requireNonNull(states, "states");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * The history of one cluster of a store, its snapshots and checkpoints kept in the store's {@link
   * AuditStore#states() repository}.
   */
  public static StateHistory open(AuditStore store, String cluster, HistoryOptions options) {
    Objects.requireNonNull(store, "store");
    return new StateHistory(new StoreChangeLog(store, cluster), store.states(), cluster, options);
  }

  /**
   * Stores a snapshot: the given objects are the cluster's state at {@code at}, for the resource
   * types they are of. Objects of other types are carried over from the state before it.
   *
   * @param source where it came from, for listings
   */
  public SnapshotInfo importSnapshot(Collection<LiveObject> objects, Instant at, String source)
      throws IOException {
    return importSnapshot(objects, List.of(), at, source);
  }

  /**
   * Stores a snapshot: the given objects are the cluster's state at {@code at} for the resource
   * types it covers, those listed and those of its objects. A type listed without objects had none
   * then. Objects of the types it does not cover are carried over from the state before it.
   *
   * @param covers the resource types the listing was made of, whether or not it found objects
   * @param source where it came from, for listings
   */
  public SnapshotInfo importSnapshot(
      Collection<LiveObject> objects, Collection<ResourceType> covers, Instant at, String source)
      throws IOException {
    Objects.requireNonNull(covers, "covers");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
    SortedSet<ResourceType> types = new TreeSet<>();
    covers.forEach(t -> types.add(t.canonical()));
    // A listing of both groups of an aliased resource lists each object twice: keep one.
    Map<ResourceKey, LiveObject> unique = new LinkedHashMap<>();
    for (LiveObject o : objects) {
      unique.merge(o.key(), o, StateHistory::preferred);
      types.add(o.key().type());
    }
    List<LiveObject> stamped = new ArrayList<>(unique.size());
    for (LiveObject o : unique.values()) {
      stamped.add(new LiveObject(o.key(), o.resourceVersion(), o.kind(), at, o.packed()));
    }
    String base = String.format(Locale.ROOT, "%020d", micros(at));
    Set<String> taken = new HashSet<>(states.list(cluster, StateKind.SNAPSHOT));
    String name = base + SNAPSHOT_SUFFIX;
    for (int n = 1; taken.contains(name); n++) {
      name = base + "-" + n + SNAPSHOT_SUFFIX;
    }
    StateFile.Header header =
        new StateFile.Header(
            StateFile.SNAPSHOT, at, "", 0, source, List.of(), List.copyOf(types), stamped.size());
    states.put(snapshotKey(name), out -> StateFile.write(out, header, stamped));
    return new SnapshotInfo(name, at, stamped.size(), source);
  }

  /**
   * Of two listings of one object, the newer by resourceVersion; at the same version, the body read
   * through the canonical group, as replay would list it; else the later listed.
   */
  private static LiveObject preferred(LiveObject first, LiveObject second) {
    if (ResourceVersions.olderThan(second.resourceVersion(), first.resourceVersion())) {
      return first;
    }
    if (ResourceVersions.olderThan(first.resourceVersion(), second.resourceVersion())) {
      return second;
    }
    String canonicalGroup = first.key().type().group();
    boolean firstCanonical = K8sJson.describe(first.json()).group().equals(canonicalGroup);
    boolean secondCanonical = K8sJson.describe(second.json()).group().equals(canonicalGroup);
    return firstCanonical && !secondCanonical ? first : second;
  }

  /** Every stored snapshot, oldest first. */
  public List<SnapshotInfo> snapshots() throws IOException {
    List<SnapshotInfo> list = new ArrayList<>();
    for (String name : states.list(cluster, StateKind.SNAPSHOT)) {
      if (name.endsWith(SNAPSHOT_SUFFIX)) {
        StateFile.Header h = header(snapshotKey(name));
        list.add(new SnapshotInfo(name, h.at(), h.objectCount(), h.source()));
      }
    }
    list.sort(Comparator.comparing(SnapshotInfo::at).thenComparing(SnapshotInfo::id));
    return list;
  }

  /**
   * Brings the checkpoints up to date with the store, so that a query after a large ingest need not
   * replay it: replays from the newest checkpoint still true (or the latest snapshot) to the latest
   * change, writing a checkpoint every {@link HistoryOptions#checkpointInterval()} changes as
   * {@link #stateAt} does. Does nothing when the options turn checkpoints off.
   *
   * @return how the replay went; {@link ReplayStats#changesRead()} is 0 when nothing was replayed
   */
  public ReplayStats updateCheckpoints() throws IOException {
    if (!options.checkpoints()) {
      return new ReplayStats("checkpoints off", Instant.EPOCH, 0, 0, List.of());
    }
    stateAt(END_OF_TIME);
    return lastReplay;
  }

  /** Later than any change: the store keeps times to the microsecond within year 9999. */
  private static final Instant END_OF_TIME = Instant.parse("9999-12-31T23:59:59Z");

  /** How the last {@link #stateAt} was computed. */
  public ReplayStats lastReplay() {
    return lastReplay;
  }

  /**
   * The cluster's state at {@code t}: every change that happened at or before {@code t}, applied on
   * top of the latest snapshot at or before {@code t}.
   *
   * @throws HistoryFileException when the snapshot it needs is damaged
   */
  public ClusterState stateAt(Instant t) throws IOException {
    Objects.requireNonNull(t, "t");
    return stateAt(t, snapshots(), new ArrayList<>(), false);
  }

  /**
   * The state at {@code t} as {@link #stateAt} gives it, for a caller that replays an interval on
   * from it and then drops it (a report): the bodies of the changes replayed to reach it are kept
   * as they came, as {@link Replayer#forInterval} keeps them, instead of those that stay being
   * compressed.
   */
  public ClusterState startOfInterval(Instant t) throws IOException {
    Objects.requireNonNull(t, "t");
    return stateAt(t, snapshots(), new ArrayList<>(), true);
  }

  /**
   * The cluster's states at two times, in the order given, each as {@link #stateAt} gives it, from
   * one replay: to the earlier time, then on from there to the later. When a snapshot or a
   * checkpoint lies after the earlier time and at or before the later, the later state starts from
   * it instead, as {@link #stateAt} would (a snapshot changes what the later state is; a checkpoint
   * only makes it nearer).
   */
  public List<ClusterState> statesAt(Instant first, Instant second) throws IOException {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    boolean inOrder = !second.isBefore(first);
    Instant early = inOrder ? first : second;
    Instant late = inOrder ? second : first;
    List<SnapshotInfo> usable = snapshots();
    ClusterState earlier = stateAt(early, usable, new ArrayList<>(), false);
    ClusterState later;
    if (early.equals(late)) {
      later = earlier;
    } else if (restartsWithin(early, late, usable)) {
      later = stateAt(late, usable, new ArrayList<>(), false);
    } else {
      String startedFrom = "state at " + early + " (" + lastReplay.startedFrom() + ")";
      later =
          replay(
              lastReplayer,
              earlier.at(),
              StoreChangeLog.justAfter(early),
              late,
              lastBase,
              startedFrom,
              new ArrayList<>());
    }
    return inOrder ? List.of(earlier, later) : List.of(later, earlier);
  }

  /**
   * Whether a snapshot or a checkpoint is dated after {@code early} and at or before {@code late}.
   */
  private boolean restartsWithin(Instant early, Instant late, List<SnapshotInfo> usable)
      throws IOException {
    for (SnapshotInfo s : usable) {
      if (s.at().isAfter(early) && !s.at().isAfter(late)) {
        return true;
      }
    }
    // Checkpoint names start with their time in zero-padded microseconds.
    String after = String.format(Locale.ROOT, "%020d", micros(early)) + CHECKPOINT_SUFFIX;
    String upTo = String.format(Locale.ROOT, "%020d", micros(late)) + CHECKPOINT_SUFFIX;
    for (StateKey cp : checkpointsNewestFirst()) {
      if (cp.name().compareTo(after) > 0 && cp.name().compareTo(upTo) <= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks the interval ({@code from}, {@code to}]: gives {@code walker} the state at {@code from}
   * (as {@link #stateAt} rebuilds it, from a checkpoint when one serves), then applies every change
   * to objects of the given resources in the interval, in the order they happened, telling the
   * walker of each object put or removed. Only those resources are read from the store: objects of
   * other types stay as they were at {@code from}. No checkpoint is written for the interval.
   *
   * @param resources {@code objectRef.resource} names (e.g. {@code pods}), whatever the group
   * @throws IllegalArgumentException when {@code to} is before {@code from}, or no resource is
   *     named
   */
  public <X extends Exception> WalkStats walk(
      Instant from, Instant to, Set<String> resources, IntervalWalker<X> walker)
      throws IOException, X {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(walker, "walker");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "the interval ends (" + to + ") before it starts (" + from + ")");
    }
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    ClusterState start = startOfInterval(from);
    ReplayStats toStart = lastReplay;
    walker.start(start);
    Replayer replayer = Replayer.forInterval(start);
    replayer.listen(
        new Replayer.Listener() {
          @Override
          public void changed(ResourceKey key, Optional<LiveObject> now) {
            walker.changed(key, now);
          }

          @Override
          public void put(ResourceKey key, LiveObject now, Optional<BodyReading> ahead) {
            walker.changed(key, Optional.of(now), ahead);
          }
        });
    long walked = 0;
    try (ChangeLog.Prepared changes =
        log.prepared(
            StoreChangeLog.justAfter(from),
            to,
            Optional.of(Set.copyOf(resources)),
            replayer.preparer(walker::readAhead))) {
      for (Optional<Replayer.Prepared> next = changes.next();
          next.isPresent();
          next = changes.next()) {
        replayer.apply(next.get());
        walked++;
        walker.applied(next.get().event().stageTimestamp());
      }
    }
    return new WalkStats(toStart, walked, replayer.warnings());
  }

  /** The state at {@code t} as if only the given snapshots (oldest first) had been taken. */
  private ClusterState stateAt(
      Instant t, List<SnapshotInfo> usable, List<String> notes, boolean plainBodies)
      throws IOException {
    int index = -1;
    for (int i = 0; i < usable.size(); i++) {
      if (!usable.get(i).at().isAfter(t)) {
        index = i;
      }
    }
    Optional<SnapshotInfo> snapshot = index < 0 ? Optional.empty() : Optional.of(usable.get(index));
    String base = snapshot.map(SnapshotInfo::id).orElse("");
    Instant floor = snapshot.map(SnapshotInfo::at).orElse(Instant.EPOCH);

    ClusterState start = null;
    Instant from = floor;
    String startedFrom = "empty cluster";
    for (StateKey cp : checkpointsNewestFirst()) {
      StateFile.Header h;
      try {
        h = header(cp);
      } catch (HistoryFileException e) {
        notes.add("skipped damaged checkpoint: " + e.getMessage());
        continue;
      }
      if (h.at().isAfter(t) || h.at().isBefore(floor) || !h.base().equals(base)) {
        continue;
      }
      if (h.version() < 2 && !h.base().isEmpty()) {
        // Made before snapshots recorded what they cover: it may lack the other types.
        notes.add("checkpoint " + cp.name() + " is of an older format; removed");
        states.delete(cp);
        continue;
      }
      if (log.fingerprint(h.at()) != h.fingerprint()) {
        notes.add(
            "checkpoint "
                + cp.name()
                + " is stale (changes up to its time were added or pruned since); removed");
        states.delete(cp);
        continue;
      }
      try {
        start = read(cp, null);
      } catch (HistoryFileException e) {
        notes.add("skipped damaged checkpoint: " + e.getMessage());
        continue;
      }
      // The checkpoint holds every change up to its time: replay strictly after it.
      from = StoreChangeLog.justAfter(h.at());
      startedFrom = "checkpoint " + cp.name();
      break;
    }
    if (start == null) {
      if (snapshot.isPresent()) {
        StateFile.Header[] header = new StateFile.Header[1];
        ClusterState snap = read(snapshotKey(snapshot.get().id()), header);
        // The snapshot tells only the types it covers; the others are as the changes before
        // it (and any earlier snapshot) left them.
        ClusterState before = stateAt(floor, usable.subList(0, index), notes, plainBodies);
        String beforeFrom = lastReplay.startedFrom();
        start = merge(snap, header[0].covers(), before);
        startedFrom =
            "snapshot "
                + snapshot.get().id()
                + (start.size() > snap.size() ? " (other resource types: " + beforeFrom + ")" : "");
      } else {
        start = ClusterState.empty(Instant.EPOCH);
      }
    }
    Replayer replayer = plainBodies ? Replayer.forInterval(start) : new Replayer(start);
    return replay(replayer, start.at(), from, t, base, startedFrom, notes);
  }

  /**
   * A snapshot's objects, plus the objects of the types it does not cover as {@code before} has
   * them. When it covers namespaces, objects in namespaces it does not list are left out: they
   * cannot have outlived their namespace.
   */
  static ClusterState merge(
      ClusterState snapshot, Collection<ResourceType> covers, ClusterState before) {
    Set<ResourceType> covered = new HashSet<>();
    covers.forEach(t -> covered.add(t.canonical()));
    boolean namespacesKnown = covered.contains(ResourceType.NAMESPACES);
    Map<ResourceKey, LiveObject> merged = new HashMap<>(snapshot.asMap());
    for (LiveObject o : before.asMap().values()) {
      ResourceKey k = o.key();
      if (covered.contains(k.type())) {
        continue;
      }
      if (namespacesKnown
          && !k.namespace().isEmpty()
          && !merged.containsKey(new ResourceKey(ResourceType.NAMESPACES, "", k.namespace()))) {
        continue;
      }
      merged.putIfAbsent(k, o);
    }
    return new ClusterState(snapshot.at(), merged, before.warnings());
  }

  /**
   * Applies the changes in [{@code from}, {@code t}] to {@code replayer}, which holds the state
   * from {@code startAt}, writing checkpoints as it goes.
   */
  private ClusterState replay(
      Replayer replayer,
      Instant startAt,
      Instant from,
      Instant t,
      String base,
      String startedFrom,
      List<String> notes)
      throws IOException {
    boolean checkpointing = options.checkpoints();
    // Taken before the scan opens: if it moves while we replay, the store changed under us and
    // no checkpoint from this replay can be trusted.
    long totalBefore = checkpointing ? log.fingerprint(t) : 0;
    long read = 0;
    long sinceCheckpoint = 0;
    int written = 0;
    Instant lastTs = null;
    if (!from.isAfter(t)) {
      try (ChangeLog.Prepared changes =
          log.prepared(from, t, Optional.empty(), replayer.preparer())) {
        for (Optional<Replayer.Prepared> next = changes.next();
            next.isPresent();
            next = changes.next()) {
          Replayer.Prepared e = next.get();
          Instant ts = e.event().stageTimestamp();
          if (checkpointing
              && sinceCheckpoint >= options.checkpointInterval()
              && ts.isAfter(lastTs)) {
            if (writeCheckpoint(replayer, lastTs, base, t, totalBefore, notes)) {
              written++;
              sinceCheckpoint = 0;
            } else {
              checkpointing = false;
            }
          }
          replayer.apply(e);
          read++;
          sinceCheckpoint++;
          lastTs = ts;
        }
      }
    }
    if (checkpointing && sinceCheckpoint >= options.checkpointInterval()) {
      if (writeCheckpoint(replayer, lastTs, base, t, totalBefore, notes)) {
        written++;
      }
    }
    lastReplay = new ReplayStats(startedFrom, startAt, read, written, notes);
    lastReplayer = replayer;
    lastBase = base;
    return replayer.state(t);
  }

  private boolean writeCheckpoint(
      Replayer replayer, Instant at, String base, Instant t, long totalBefore, List<String> notes) {
    try {
      long fingerprint = log.fingerprint(at);
      if (log.fingerprint(t) != totalBefore) {
        notes.add("the store changed during replay; no checkpoint written");
        return false;
      }
      writeCheckpointFile(replayer, at, base, fingerprint);
      return true;
    } catch (IOException e) {
      notes.add("could not write a checkpoint: " + e.getMessage());
      return false;
    }
  }

  /** Writes the replayer's state as the checkpoint at {@code at}. */
  void writeCheckpointFile(Replayer replayer, Instant at, String base, long fingerprint)
      throws IOException {
    Collection<LiveObject> objects = replayer.liveObjects();
    StateKey key =
        new StateKey(
            cluster,
            StateKind.CHECKPOINT,
            String.format(Locale.ROOT, "%020d", micros(at)) + CHECKPOINT_SUFFIX);
    StateFile.Header header =
        new StateFile.Header(
            StateFile.CHECKPOINT,
            at,
            base,
            fingerprint,
            "replay",
            replayer.warnings(),
            List.of(),
            objects.size());
    states.put(key, out -> StateFile.write(out, header, objects));
  }

  /**
   * Keeps the checkpoints up to date as batches are committed, from the batches themselves rather
   * than by reading the store again: see {@link CheckpointAdvancer}.
   */
  public CheckpointAdvancer advancer() throws IOException {
    return new CheckpointAdvancer(this, log, options);
  }

  /** The cluster whose history this is. */
  String cluster() {
    return cluster;
  }

  /**
   * About how many changes {@link #updateCheckpoints} would replay: those received after the newest
   * checkpoint or snapshot, or all of them without one. Counted in the store's index, not replayed;
   * a checkpoint that turns out stale (or damaged) when read makes this count low.
   */
  long changesAfterNewestStart() throws IOException {
    Instant newest = Instant.EPOCH;
    for (SnapshotInfo s : snapshots()) {
      newest = s.at().isAfter(newest) ? s.at() : newest;
    }
    for (StateKey cp : checkpointsNewestFirst()) {
      try {
        Instant at = header(cp).at();
        newest = at.isAfter(newest) ? at : newest;
        break;
      } catch (HistoryFileException e) {
        // A damaged checkpoint does not serve: the one before it may.
      }
    }
    long all = log.fingerprint(END_OF_TIME);
    return newest.equals(Instant.EPOCH) ? all : all - log.fingerprint(newest);
  }

  /** Replays up to the latest change, then hands the replayer on. */
  Replayer replayToEnd() throws IOException {
    updateCheckpoints();
    return lastReplayer;
  }

  String lastBase() {
    return lastBase;
  }

  private List<StateKey> checkpointsNewestFirst() throws IOException {
    List<StateKey> list = new ArrayList<>();
    for (String name : states.list(cluster, StateKind.CHECKPOINT)) {
      if (name.endsWith(CHECKPOINT_SUFFIX)) {
        list.add(new StateKey(cluster, StateKind.CHECKPOINT, name));
      }
    }
    list.sort(Comparator.comparing(StateKey::name).reversed());
    return list;
  }

  private StateKey snapshotKey(String id) {
    return new StateKey(cluster, StateKind.SNAPSHOT, id);
  }

  private StateFile.Header header(StateKey key) throws IOException {
    try (InputStream in = open(key)) {
      return StateFile.readHeader(in, states.describe(key));
    }
  }

  private ClusterState read(StateKey key, StateFile.Header[] header) throws IOException {
    try (InputStream in = open(key)) {
      return StateFile.read(in, states.describe(key), header);
    }
  }

  private InputStream open(StateKey key) throws IOException {
    Optional<InputStream> in = states.open(key);
    if (in.isEmpty()) {
      throw new HistoryFileException(states.describe(key), "removed while being read");
    }
    return in.get();
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }
}
