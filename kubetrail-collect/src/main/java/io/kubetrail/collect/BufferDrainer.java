package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import java.io.IOException;
import java.util.List;

/**
 * Appends a pipeline's buffered batches to its sink, oldest first, several at once up to a batch's
 * limits, pausing (1 s doubling to 30 s) while the sink fails. Ends once the pipeline's appender
 * has ended and the buffer is empty or the pipeline was stopped: what is left is appended at the
 * next start.
 */
final class BufferDrainer implements Runnable {
  private final Pipeline pipeline;
  private final Spool spool;

  BufferDrainer(Pipeline pipeline, Spool spool) {
    this.pipeline = pipeline;
    this.spool = spool;
  }

  @Override
  public void run() {
    PipelineListener listener = pipeline.listener();
    IngestOptions options = pipeline.options();
    Backoff backoff = Backoff.forAppends();
    try {
      while (pipeline.awaitBuffered(spool)) {
        List<Spool.Entry> head = spool.head(options.batchEvents(), options.batchBytes());
        Spool.Spooled spooled;
        try {
          spooled = spool.read(head);
        } catch (Spool.DamagedException e) {
          listener.appendFailed(e);
          spool.setAside(e.entry());
          continue;
        } catch (IOException e) {
          listener.appendFailed(e);
          if (!pipeline.pauseDraining(backoff.next())) {
            return;
          }
          continue;
        }
        long start = System.nanoTime();
        try {
          AppendResult result = pipeline.sink().append(spooled.batch());
          long nanos = System.nanoTime() - start;
          pipeline.countDrained(result);
          // Heard before the batches leave the buffer: a direct append comes after, never beside.
          pipeline.heardCommit(spooled.batch().events(), result, spooled.sources(), nanos);
          spool.remove(head);
          pipeline.signalChanged();
          backoff.reset();
        } catch (IOException | RuntimeException e) {
          listener.appendFailed(e);
          if (!pipeline.pauseDraining(backoff.next())) {
            return;
          }
        }
      }
    } catch (IOException e) {
      // Removing or setting aside a file failed: the disk fails; the next start goes on from it.
      listener.appendFailed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
