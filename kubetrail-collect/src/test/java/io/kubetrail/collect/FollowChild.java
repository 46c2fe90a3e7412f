package io.kubetrail.collect;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A collector in a process of its own, for {@link FollowKillTest}: a pipeline that retries appends,
 * following one file into a Lucene store, until it is killed; or, given a number of events, until
 * the store holds that many, then it stops and closes cleanly. Prints {@code COMMIT <stored>
 * <duplicates> <newest>} for each committed batch, the newest being the highest number of the
 * batch's auditIDs ({@code id-<n>}, as {@link AuditLines} writes them).
 *
 * <p>Arguments: store directory, followed file, and optionally the number of events to stop at.
 */
final class FollowChild {
  private FollowChild() {}

  public static void main(String[] args) throws Exception {
    Path storeDir = Path.of(args[0]);
    Path log = Path.of(args[1]);
    long until = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (AuditStore store = LuceneAuditStore.open(storeDir, StoreOptions.defaults())) {
      PipelineListener listener =
          ChildProcesses.printCommits(
              out,
              events -> {
                long newest = -1;
                for (StoredEvent e : events) {
                  String id = e.event().auditID();
                  newest = Math.max(newest, Long.parseLong(id.substring(id.indexOf('-') + 1)));
                }
                return Long.toString(newest);
              });
      IngestOptions options = IngestOptions.builder().retryAppends(true).build();
      Pipeline pipeline = new Pipeline(Sink.of(store), options, listener, DeadLetters.NONE);
      if (until < Long.MAX_VALUE) {
        ChildProcesses.stopOnceStored(store, pipeline, until);
      }
      try {
        pipeline.run(
            FollowedFileSource.of(
                log, FollowedFileSource.Options.defaults().withPoll(Duration.ofMillis(50))));
      } finally {
        pipeline.close();
      }
    }
    out.println("DONE");
  }
}
