package io.kubetrail.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An event stream read ahead by a thread of its own, a few hundred events at a time: for a long
 * scan whose reader does as much work per event as the store does to find and decode it (a replay,
 * a report's walk), so that the two run on two cores. Gives the same events in the same order, and
 * the same failures, as the stream it reads. {@link #mapped} also hands the reading thread a step
 * of the reader's own work on each event (e.g. finding the body a replay applies).
 *
 * <p>The thread is never interrupted (an interrupt closes the store's file channels): closing the
 * stream tells it to stop, and waits for it before closing the stream it read.
 */
public final class ReadAhead<T> implements Closeable {
  /** Events handed over at a time: large enough that handing over costs nothing per event. */
  static final int CHUNK = 256;

  /** Chunks read ahead at most, bounding the memory held. */
  static final int CHUNKS = 8;

  private final EventStream source;
  private final Function<? super StoredEvent, ? extends T> prepare;
  private final BlockingQueue<Chunk<T>> queue = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread reader;
  private volatile boolean closed;
  private List<T> current = List.of();
  private int index;
  private boolean ended;
  private Optional<Throwable> failure = Optional.empty();

  /** A chunk of events; the last one says whether the stream ended, or how it failed. */
  private record Chunk<T>(List<T> events, boolean last, Optional<Throwable> failure) {}

  private ReadAhead(EventStream source, Function<? super StoredEvent, ? extends T> prepare) {
    this.source = source;
    this.prepare = prepare;
    this.reader = new Thread(this::read, "kubetrail-read-ahead");
    reader.setDaemon(true);
  }

  /** Reads {@code source} ahead on a thread started now; closing the result closes it. */
  public static EventStream of(EventStream source) {
    ReadAhead<StoredEvent> r = mapped(source, Function.identity());
    return new EventStream() {
      @Override
      public Optional<StoredEvent> next() throws IOException {
        return r.next();
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }

  /**
   * Reads {@code source} ahead on a thread started now, which also applies {@code prepare} to each
   * event, in order; closing the result closes {@code source}. A failure of {@code prepare} ends
   * the stream as a failure of the source would, after the items before it.
   */
  public static <T> ReadAhead<T> mapped(
      EventStream source, Function<? super StoredEvent, ? extends T> prepare) {
    ReadAhead<T> r =
        new ReadAhead<>(
            Objects.requireNonNull(source, "source"), Objects.requireNonNull(prepare, "prepare"));
    r.reader.start();
    return r;
  }

  private void read() {
    List<T> chunk = new ArrayList<>(CHUNK);
    try {
      while (!closed) {
        Optional<StoredEvent> e = source.next();
        if (e.isEmpty()) {
          hand(new Chunk<>(chunk, true, Optional.empty()));
          return;
        }
        chunk.add(prepare.apply(e.get()));
        if (chunk.size() == CHUNK) {
          hand(new Chunk<>(chunk, false, Optional.empty()));
          chunk = new ArrayList<>(CHUNK);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      // The events read before the failure come first, as they would have from the source.
      hand(new Chunk<>(chunk, true, Optional.of(e)));
    }
  }

  /** Queues a chunk, waiting for room unless the stream is closed meanwhile. */
  private void hand(Chunk<T> chunk) {
    try {
      while (!closed) {
        if (queue.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next item, or empty at the end. */
  public Optional<T> next() throws IOException {
    if (closed) {
      throw new IllegalStateException("event stream is closed");
    }
    while (index >= current.size()) {
      if (failure.isPresent()) {
        Throwable t = failure.get();
        failure = Optional.empty();
        throw rethrow(t);
      }
      if (ended) {
        return Optional.empty();
      }
      Chunk<T> c;
      try {
        c = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading events");
      }
      current = c.events();
      index = 0;
      ended = c.last();
      failure = c.failure();
    }
    return Optional.of(current.get(index++));
  }

  /** The reader's failure, as it was thrown there. */
  private static IOException rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return (IOException) t;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    boolean interrupted = false;
    while (reader.isAlive()) {
      try {
        reader.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    current = List.of();
    source.close();
  }
}
