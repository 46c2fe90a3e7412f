package io.kubetrail.collect;

import java.io.IOException;

/**
 * Where audit records come from: files read once, a file followed as kube-apiserver writes and
 * rotates it, a webhook that kube-apiserver (or a forwarding collector) posts to. A source reads
 * records and hands them to a {@link SourceWriter}, together with the positions that let it resume
 * after a restart; the {@link Pipeline} does the rest.
 */
public interface Source {

  /**
   * How positions, metrics and dead letters name this source, e.g. {@code
   * file:/var/log/kube-audit.log} or {@code webhook:0.0.0.0:8443}.
   */
  String name();

  /**
   * Reads until the source ends (files read once) or {@link SourceContext#stopping()}. Bad records
   * never end it: they are rejected through the writer. Returns once everything read was handed to
   * the pipeline.
   *
   * @throws IOException when the source itself cannot be read on; what was handed over before stays
   */
  void run(SourceContext context) throws IOException, InterruptedException;
}
