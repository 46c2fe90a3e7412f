package io.kubetrail.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Copies every event of one store into another (a directory into a cluster, or back), resumably:
 * each page is appended with the copy's position as a checkpoint of the destination, so a copy
 * stopped at any moment continues where the destination says it got to, and an event already there
 * is not stored twice. The snapshots that replay starts from are copied too (checkpoints are not:
 * replay writes them again).
 */
public final class StoreCopy {
  /** Events appended per batch. */
  public static final int PAGE = 5_000;

  private static final String DONE = "done";

  /** Hears how far the copy got. */
  @FunctionalInterface
  public interface Listener {
    void progress(long copied, long total);
  }

  /**
   * What a copy did.
   *
   * @param copied events read from the source in this run
   * @param stored of those, events the destination did not have yet
   * @param resumed true when an earlier copy's position was taken up
   * @param verified the destination's verify, after the copy
   * @param snapshots snapshots the destination did not have yet, copied
   */
  public record Result(
      long copied, long stored, boolean resumed, VerifyResult verified, long snapshots) {}

  private StoreCopy() {}

  /** The checkpoint under which the destination keeps the copy's position. */
  public static String checkpointId(String sourceLocation) {
    return "copy:" + sourceLocation;
  }

  /**
   * Copies {@code from} into {@code to}, oldest events first, then verifies {@code to}.
   *
   * @param sourceLocation names the source in the destination's checkpoint, so a second copy of the
   *     same source resumes and a copy of another source starts afresh
   * @throws StoreException when the destination, after the copy, lacks events of the source
   */
  public static Result copy(
      AuditStore from, AuditStore to, String sourceLocation, Listener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    String id = checkpointId(sourceLocation);
    Optional<PageCursor> cursor = Optional.empty();
    SourceCheckpoint at = to.checkpoints().get(id);
    boolean resumed = at != null;
    EventQuery all = EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build();
    long total = from.count(all);
    long copied = 0;
    long stored = 0;
    if (at != null && at.position().startsWith(DONE)) {
      return new Result(0, 0, true, to.verify(), snapshots(from.states(), to.states()));
    }
    if (at != null) {
      cursor = Optional.of(new PageCursor(at.position()));
    }
    do {
      SearchPage page = from.search(all, PAGE, cursor);
      cursor = page.next();
      String position = cursor.map(PageCursor::token).orElse(DONE);
      AppendResult r = to.append(Batch.of(page.events(), id, new SourceCheckpoint(position)));
      copied += page.events().size();
      stored += r.stored();
      listener.progress(copied, total);
    } while (cursor.isPresent());
    VerifyResult verified = to.verify();
    if (!resumed && copied != total) {
      throw new StoreException(
          sourceLocation,
          "the source changed during the copy: " + copied + " events read, " + total + " counted");
    }
    return new Result(copied, stored, resumed, verified, snapshots(from.states(), to.states()));
  }

  /**
   * Copies the snapshots {@code to} lacks from {@code from}, each whole.
   *
   * @return how many were copied
   */
  public static long snapshots(StateRepository from, StateRepository to) throws IOException {
    long copied = 0;
    for (String cluster : from.clusters()) {
      Set<String> there = new HashSet<>(to.list(cluster, StateKind.SNAPSHOT));
      for (String name : from.list(cluster, StateKind.SNAPSHOT)) {
        if (there.contains(name)) {
          continue;
        }
        StateKey key = new StateKey(cluster, StateKind.SNAPSHOT, name);
        Optional<InputStream> in = from.open(key);
        if (in.isEmpty()) {
          continue; // Removed meanwhile.
        }
        try (InputStream source = in.get()) {
          to.put(key, source::transferTo);
        }
        copied++;
      }
    }
    return copied;
  }
}
