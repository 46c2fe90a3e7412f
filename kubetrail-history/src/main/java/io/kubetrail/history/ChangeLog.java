package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Where replay reads one cluster's changes from: the store, or a list in tests. */
interface ChangeLog {

  /**
   * The changes with {@code from <= stageTimestamp <= to}, in the order they happened (stage time,
   * then request time, then auditID), whatever order they were stored in.
   */
  Changes changes(Instant from, Instant to) throws IOException;

  /**
   * The changes of {@link #changes(Instant, Instant)} to objects of the given resources ({@code
   * objectRef.resource}, any group) only. This default reads them all and skips the others.
   */
  default Changes changes(Instant from, Instant to, Set<String> resources) throws IOException {
    Set<String> wanted = Set.copyOf(resources);
    Changes all = changes(from, to);
    return new Changes() {
      @Override
      public Optional<AuditEvent> next() throws IOException {
        for (Optional<AuditEvent> e = all.next(); e.isPresent(); e = all.next()) {
          if (e.get().objectRef().filter(r -> wanted.contains(r.resource())).isPresent()) {
            return e;
          }
        }
        return Optional.empty();
      }

      @Override
      public void close() throws IOException {
        all.close();
      }
    };
  }

  /**
   * The changes of {@link #changes(Instant, Instant)} (of the given resources only, when present),
   * each made ready to apply by {@code prepare}: a log that reads ahead on a thread of its own
   * calls it there.
   */
  default Prepared prepared(
      Instant from,
      Instant to,
      Optional<Set<String>> resources,
      Function<AuditEvent, Replayer.Prepared> prepare)
      throws IOException {
    Changes all = resources.isPresent() ? changes(from, to, resources.get()) : changes(from, to);
    return Prepared.of(() -> all.next().map(prepare), all);
  }

  /**
   * A number that changes whenever a change that happened at or before {@code t} is added or
   * removed: a checkpoint at {@code t} is stale when it differs from the one taken with it.
   */
  long fingerprint(Instant t) throws IOException;

  /** A stream of changes, held open until closed. */
  interface Changes extends Closeable {
    Optional<AuditEvent> next() throws IOException;
  }

  /** A stream of changes made ready to apply, held open until closed. */
  interface Prepared extends Closeable {
    Optional<Replayer.Prepared> next() throws IOException;

    /** The changes {@code next} gives, holding {@code resource} open until closed. */
    static Prepared of(Next next, Closeable resource) {
      return new Prepared() {
        @Override
        public Optional<Replayer.Prepared> next() throws IOException {
          return next.next();
        }

        @Override
        public void close() throws IOException {
          resource.close();
        }
      };
    }
  }

  /** Gives the next change made ready to apply, or empty at the end. */
  @FunctionalInterface
  interface Next {
    Optional<Replayer.Prepared> next() throws IOException;
  }
}
