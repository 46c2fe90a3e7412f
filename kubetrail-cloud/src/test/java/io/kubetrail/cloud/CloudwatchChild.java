package io.kubetrail.cloud;

import io.kubetrail.collect.ChildProcesses;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A collector draining the fake CloudWatch in a process of its own, for {@link CloudwatchKillTest}:
 * until it is killed, or, given a number of events, until the store holds that many. Prints {@code
 * COMMIT <stored> <duplicates>} for each committed batch.
 *
 * <p>Arguments: store directory, endpoint, Secret file, and optionally the number to stop at.
 */
final class CloudwatchChild {
  private CloudwatchChild() {}

  public static void main(String[] args) throws Exception {
    Path storeDir = Path.of(args[0]);
    URI endpoint = URI.create(args[1]);
    Path secret = Path.of(args[2]);
    long until = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (AuditStore store = LuceneAuditStore.open(storeDir, StoreOptions.defaults())) {
      PipelineListener listener = ChildProcesses.printCommits(out, events -> "");
      IngestOptions options = IngestOptions.builder().cluster("eks").retryAppends(true).build();
      Pipeline pipeline = new Pipeline(Sink.of(store), options, listener, DeadLetters.NONE);
      if (until < Long.MAX_VALUE) {
        ChildProcesses.stopOnceStored(store, pipeline, until);
      }
      try {
        pipeline.run(
            EksCloudwatchSource.of(
                CloudwatchEvents.config(endpoint, Optional.of(secret)), CloudwatchEvents.fast()));
      } finally {
        pipeline.close();
      }
    }
    out.println("DONE");
  }
}
