package io.kubetrail.collect;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs sources into a pipeline until stopped, for months: each source on a thread of its own; a
 * source that fails (an unreadable file, a port taken) is reported and started again after a pause,
 * and never stops the others. {@link #stop()} asks every source to finish what it holds; the
 * pipeline then appends it.
 */
public final class Collector {
  /** Pauses before a failed source starts again: 1 s, doubling to a minute. */
  private static final long FIRST_PAUSE_MS = 1_000;

  private static final long MOST_PAUSE_MS = 60_000;

  private final Pipeline pipeline;
  private final List<Source> sources;
  private final Consumer<String> log;

  /**
   * @param log hears what goes wrong (a failed source, its restart)
   */
  public Collector(Pipeline pipeline, List<Source> sources, Consumer<String> log) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.sources = List.copyOf(sources);
    this.log = Objects.requireNonNull(log, "log");
    if (this.sources.isEmpty()) {
      throw new IllegalArgumentException("a collector needs at least one source");
    }
  }

  /** Runs every source until each has ended or {@link #stop()} was called, then returns. */
  public void run() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (Source source : sources) {
      Thread t = new Thread(() -> runForever(source), "kubetrail-source-" + source.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /** Asks every source to stop; {@link #run()} returns once they have. */
  public void stop() {
    pipeline.stop();
  }

  private void runForever(Source source) {
    Backoff backoff = new Backoff(FIRST_PAUSE_MS, MOST_PAUSE_MS);
    while (!pipeline.stopping()) {
      long pause;
      try {
        pipeline.run(source);
        return; // a source that ends (files read once) is done
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        pause = backoff.next();
        log.accept(
            "source "
                + source.name()
                + " failed: "
                + e.getMessage()
                + "; starting it again in "
                + pause / 1000
                + " s");
      }
      try {
        pipeline.awaitStop(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
