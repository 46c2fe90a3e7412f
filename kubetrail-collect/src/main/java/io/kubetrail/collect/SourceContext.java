package io.kubetrail.collect;

import io.kubetrail.store.SourceCheckpoint;
import java.util.Map;
import java.util.Optional;

/** What a {@link Source} runs with: writers into the pipeline, its positions, the stop signal. */
public final class SourceContext {
  private final Pipeline pipeline;
  private final String source;

  SourceContext(Pipeline pipeline, String source) {
    this.pipeline = pipeline;
    this.source = source;
  }

  /** A new writer for this source; one per thread that reads it. */
  public SourceWriter writer() {
    return new SourceWriter(pipeline, source, false);
  }

  /**
   * A new writer for one request of a source whose requests are independent of each other, each
   * answered on its own and none with a position (a webhook's): what it hands over may be appended
   * alongside, and in any order with, what other writers hand over. A hand-over that carries a
   * {@link SourceWriter#checkpoint checkpoint} is still appended in order.
   */
  public SourceWriter requestWriter() {
    return new SourceWriter(pipeline, source, true);
  }

  /** The options the pipeline runs with (cluster, policy, limits, batch sizes). */
  public IngestOptions options() {
    return pipeline.options();
  }

  /** The position committed for {@code key} when the pipeline started. */
  public Optional<SourceCheckpoint> checkpoint(String key) {
    return Optional.ofNullable(pipeline.startCheckpoints().get(key));
  }

  /** Every position committed when the pipeline started. */
  public Map<String, SourceCheckpoint> checkpoints() {
    return pipeline.startCheckpoints();
  }

  /**
   * What shapes the stored events besides the source (the cluster, the audit policy): positions
   * keyed with it are not taken for those of another cluster or policy.
   */
  public String positionScope() {
    return FileCheckpoint.scope(pipeline.options());
  }

  /**
   * What the pipeline's on-disk buffer holds; {@link BufferState#full()} while the store does not
   * take batches and the buffer has no room for more.
   */
  public BufferState buffer() {
    return pipeline.buffer();
  }

  /** True once the source should stop reading. */
  public boolean stopping() {
    return pipeline.stopping();
  }

  /** Waits up to {@code millis}, or less when asked to stop; true when stopping. */
  public boolean awaitStop(long millis) throws InterruptedException {
    return pipeline.awaitStop(millis);
  }

  Pipeline pipeline() {
    return pipeline;
  }

  /** The listener of the pipeline (metrics). */
  public PipelineListener listener() {
    return pipeline.listener();
  }
}
